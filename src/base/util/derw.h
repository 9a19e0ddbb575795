/* derw: a small DER writer (X.690, definite lengths) over strbuf, for the
 * few structures the driver writes itself: the RSASSA-PSS parameters the
 * client sends, the CMS SignedData the management tool writes. OIDs are
 * given dotted, as src/base/alg holds them. A failure (out of memory, a
 * malformed OID) sets the buffer's oom flag: check it once at the end. */
#ifndef CRPKI_BASE_UTIL_DERW_H
#define CRPKI_BASE_UTIL_DERW_H

#include <stddef.h>
#include <stdint.h>

#include "base/util/strbuf.h"

/* tag, the length, len bytes of content. */
void derw_tlv(strbuf *b, uint8_t tag, const void *content, size_t len);
/* What inner holds, wrapped in tag; inner is freed (its oom carried over). */
void derw_wrap(strbuf *b, uint8_t tag, strbuf *inner);
/* An OBJECT IDENTIFIER from its dotted form ("1.2.840.113549.1.1.1"). */
void derw_oid(strbuf *b, const char *dotted);
/* An INTEGER (tag 0x02) in its shortest two's-complement form. */
void derw_uint(strbuf *b, uint32_t v);
/* AlgorithmIdentifier { oid, NULL parameters when null_params }. */
void derw_algid(strbuf *b, const char *dotted, int null_params);

#endif
