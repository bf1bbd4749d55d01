#include "cli.h"
int ik_cmd_bench(int argc, char **argv) { (void)argc; (void)argv; return 1; } /* PLACEHOLDER */
