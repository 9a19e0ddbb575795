#include "mgmt.h"
#include "mgmt_run.h"
