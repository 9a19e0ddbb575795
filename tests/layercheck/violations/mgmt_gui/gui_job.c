#include "mgmt_run.h"
#include "mgmt.h"
