#include "csp_handle.h"

prov_table csp_handles = PROV_TABLE_INIT(0xC5B1);
