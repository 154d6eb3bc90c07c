#include "dispatch/dispatch_int.h"

const struct op ops_forum[] = {
	{NULL, NULL, 0},
};
