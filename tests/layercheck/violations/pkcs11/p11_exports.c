#include "core/p11_core.h"
#include "p11_internal.h"
