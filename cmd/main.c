#include <stdio.h>
int main(void) { puts("scoperun " SCOPERUN_VERSION); return 0; }
