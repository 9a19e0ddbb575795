#include "mgmt_run.h"
#include "base/util/strbuf.h"
