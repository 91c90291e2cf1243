/* Nothing to compile: the target exists to give Swift the declaration in include/CLibFuzzer.h. */
#include "CLibFuzzer.h"
