/* A fake of service.h for transport tests (test_httpd): canned answers on a
 * few paths, so the HTTPS layer can be tested for faults and timings the
 * real service cannot produce on demand. One instance per process.
 *
 *   /echo            200, JSON of what the transport passed: method, path,
 *                    query, authorization, content_type (null when absent),
 *                    body_len, body_b64
 *   /hold?ms=N       blocks N ms (default 1000) or until shutdown; counts the
 *                    requests inside at once
 *   /headers         401 with Location, WWW-Authenticate, Retry-After 5, no-store,
 *                    Allow: POST
 *   /badheader       200 with a Location holding CR/LF (the transport must refuse it)
 *   /big?n=N         200 with an N-byte body (pattern i % 251)
 *   /info            200 {"base_url": the options' base_url}
 *   anything else    404 not_found */
#ifndef RSSP_SIM_TEST_SERVE_FAKE_SERVICE_H
#define RSSP_SIM_TEST_SERVE_FAKE_SERVICE_H

void fake_service_reset(void); /* counters to zero */
int fake_service_calls(void);  /* rsspd_service_handle calls since reset */
int fake_service_inside(void); /* requests now inside /hold */
int fake_service_max_inside(void);
/* Waits up to ms for n requests to be inside /hold at once; 0 if they were. */
int fake_service_wait_inside(int n, int ms);

#endif
