/* kernel/format.c agrees with the C library's snprintf on what it supports. */
#include "check.h"
#include <kernel/printk.h>
#include <stdint.h>
#include <string.h>

#define SAME(...)                                                       \
	do {                                                            \
		char a[128], b[128];                                    \
		int na = ksnprintf(a, sizeof(a), __VA_ARGS__);          \
		int nb = snprintf(b, sizeof(b), __VA_ARGS__);           \
		if (strcmp(a, b) || na != nb)                           \
			printf("  got \"%s\", want \"%s\"\n", a, b);    \
		CHECK(strcmp(a, b) == 0 && na == nb);                   \
	} while (0)

static void format_integers(void)
{
	SAME("%d %d %d", 0, -1, 2147483647);
	SAME("%i|%5d|%05d|%-0d", -42, 42, -42, 7);
	SAME("%u %x %X", 4000000000u, 0xdeadbeefu, 0xabcu);
	SAME("%ld %lx %016lx", (long)INT64_MIN, (long)0x123456789abcdef0, 8l);
	SAME("%llu %zu", 18446744073709551615ull, (size_t)12345);
}

static void format_strings_and_chars(void)
{
	SAME("[%s] [%8s] [%-8s] [%c]", "abc", "right", "left", 'z');
	SAME("[%-6d] [%-4x]", -12, 0xabu);
	SAME("100%%");
}

static void format_truncates_safely(void)
{
	char small[8];
	int n = ksnprintf(small, sizeof(small), "%s", "0123456789");
	CHECK(n == 10);
	CHECK(strcmp(small, "0123456") == 0);
}

int main(void)
{
	RUN(format_integers);
	RUN(format_strings_and_chars);
	RUN(format_truncates_safely);
	return 0;
}
