#include "base/util/strbuf.h"
#include <stdio.h>
