#include "core/p11_core.h"
