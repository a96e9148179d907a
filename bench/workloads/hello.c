/* hello: the "hello" of REP '24's simple class, run a thousand times. */
#include <stdio.h>

int main(void)
{
	puts("hello world");
	return 0;
}
