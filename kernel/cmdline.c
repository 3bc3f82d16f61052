#include <kernel/cmdline.h>

#define CMDLINE_MAX	512
/* The ATAG list (Linux Documentation/arch/arm/booting.rst, "Tagged
 * list"; arch/arm/include/uapi/asm/setup.h): each tag is {size in words,
 * tag}, then its payload; ATAG_CORE first, size 0 (ATAG_NONE) last. */
#define ATAG_CORE	0x54410001u
#define ATAG_MEM	0x54410002u	/* payload: size, start */
#define ATAG_CMDLINE	0x54410009u

static char line[CMDLINE_MAX];
static char value[CMDLINE_MAX];

void cmdline_set(const char *s)
{
	int i = 0;
	for (; s && s[i] && i < CMDLINE_MAX - 1; i++)
		line[i] = s[i];
	line[i] = 0;
}

const char *cmdline(void) { return line; }

const char *cmdline_get(const char *key)
{
	const char *p = line;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *k = key;
		while (*k && *p == *k)
			p++, k++;
		if (*k == 0 && (*p == '=' || *p == ' ' || *p == 0)) {
			if (*p == '=')
				p++;
			int n = 0;
			while (p[n] && p[n] != ' ' && n < CMDLINE_MAX - 1)
				value[n] = p[n], n++;
			value[n] = 0;
			return value;
		}
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

long cmdline_int(const char *key, long dflt)
{
	const char *v = cmdline_get(key);
	if (!v || !*v)
		return dflt;
	long n = 0;
	int neg = *v == '-';
	for (v += neg; *v >= '0' && *v <= '9'; v++)
		n = n * 10 + (*v - '0');
	return neg ? -n : n;
}

/* The payload of the first `tag` in the list at `atags`, if it holds at
 * least `words` words; else NULL. */
static const volatile uint32_t *atag_find(uint64_t atags, uint32_t tag, uint32_t words)
{
	const volatile uint32_t *t = (const volatile uint32_t *)atags;
	if (!t || t[1] != ATAG_CORE)
		return 0;
	for (int n = 0; n < 64 && t[0] >= 2; n++) {
		if (t[1] == tag)
			return t[0] >= 2 + words ? &t[2] : 0;
		t += t[0];
	}
	return 0;
}

const char *atags_cmdline(uint64_t atags)
{
	return (const char *)atag_find(atags, ATAG_CMDLINE, 1);
}

bool atags_mem(uint64_t atags, uint64_t *base, uint64_t *size)
{
	const volatile uint32_t *m = atag_find(atags, ATAG_MEM, 2);
	if (!m || !m[0])
		return false;
	*size = m[0];
	*base = m[1];
	return true;
}
