/*
 * On-target tests for gometal programs: `make check APP=dir` builds the
 * TESTs of the .c files in dir/tests/ (and dir's own sources, without its
 * main) with the harness (lib/test/), and boots them on each board and core
 * count asked for.
 *
 *   #include <gometal/test.h>
 *
 *   TEST(queue, keeps_order) {
 *       CHECK_EQ(pop(), 1);            // fails the test and returns
 *       REQUIRE(q != NULL);            // fails and ends the test at once
 *   }
 *   TEST(queue, big, .timeout_ms = 5000, .min_cpus = 2) { ... }
 *   SETUP(queue) { ... }               // before each queue.* test
 *   TEARDOWN(queue) { ... }            // after each, also after a REQUIRE
 *   CRASH(double_close, .expect = "panic: .*close of closed channel", .status = 2) { ... }
 *   BENCH(push) { for (long i = 0; i < b->n; i++) push(i); }
 *
 * The console shows, for each test (as Go's `go test -v` and googletest):
 *
 *   [ RUN      ] queue.keeps_order
 *     tests/test_queue.c:12: check failed: pop() == 1 (left 2, right 1)
 *   [  FAILED  ] queue.keeps_order (3 ms)
 *   test: N passed, M failed
 *
 * Tests run one after another in the first task (main's), so a test may
 * block, spawn tasks and wait for them. A test that does not end within its
 * timeout (.timeout_ms; else make check TIMEOUT_MS=, else 10 minutes, as
 * Go's) ends the boot with a `panic:` line
 * naming it and a list of the tasks; `make check` reports it and boots
 * again for the tests after it. CRASH tests run only alone, in their own
 * boot (crash=<name>), and pass if the system ends as stated.
 */
#pragma once
#include <gometal.h>
#include <stdint.h>

struct gm_bench {
	long n;			/* run the measured operation n times */
	const char *name;
};

struct gm_test {
	const char *name;	/* "suite.name" */
	void (*fn)(void);
	int kind;		/* GM_TEST, GM_CRASH, GM_BENCH, GM_SETUP, GM_TEARDOWN */
	unsigned timeout_ms;	/* 0: the harness's default (timeout_ms= boot argument) */
	int min_cpus;		/* fewer cores online: the test is skipped */
	const char *expect;	/* CRASH: a regular expression the console must match
				 * (make check; NULL: a `panic:` line) */
	int status;		/* CRASH: the exit status (2, a panic's, unless stated) */
	void (*bench)(struct gm_bench *);
};

enum { GM_TEST, GM_CRASH, GM_BENCH, GM_SETUP, GM_TEARDOWN };

/* The harness lists each of these in the image's .ktests.<suite> sections,
 * in file order within a suite. */
#define GM_DESC(sect, id, str, kind_, ...)                                              \
	static void id(void);                                                          \
	static const struct gm_test id##_desc                                          \
		__attribute__((used, section(".ktests." sect), aligned(8))) = {         \
			.name = str, .fn = id, .kind = kind_, __VA_ARGS__};
#define GM_REGISTER(sect, id, str, kind_, ...)                                          \
	GM_DESC(sect, id, str, kind_, __VA_ARGS__)                                     \
	static void id(void)

#define TEST(suite, name, ...) \
	GM_REGISTER(#suite, suite##_##name, #suite "." #name, GM_TEST, __VA_ARGS__)
#define SETUP(suite) GM_REGISTER(#suite, suite##_setup_, #suite, GM_SETUP)
#define TEARDOWN(suite) GM_REGISTER(#suite, suite##_teardown_, #suite, GM_TEARDOWN)
/* A CRASH's status is 2 (a panic's) unless it states one: the stated one
 * overrides the default (a designated initializer given twice). */
#define CRASH(name, ...)                                                               \
	_Pragma("GCC diagnostic push")                                                 \
	_Pragma("GCC diagnostic ignored \"-Woverride-init\"")                          \
	GM_DESC("crash", crash_##name, #name, GM_CRASH, .status = 2, __VA_ARGS__)      \
	_Pragma("GCC diagnostic pop")                                                  \
	static void crash_##name(void)
#define BENCH(id)                                                                      \
	static void bench_##id(struct gm_bench *b);                                    \
	static const struct gm_test bench_##id##_desc                                  \
		__attribute__((used, section(".ktests.bench"), aligned(8))) = {        \
			.name = "bench." #id, .kind = GM_BENCH, .bench = bench_##id};   \
	static void bench_##id(struct gm_bench *b __attribute__((unused)))

/* Fails the running test with a message (printf format); the test goes on. */
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Ends the running test at once (failed), after its TEARDOWN. Called from
 * another task than the test's, it ends that task instead (go_exit). */
void test_failnow(void) __attribute__((noreturn));
/* The test running now ("suite.name"), and whether it has failed. */
const char *test_name(void);
int test_failed(void);
/* The seed= of this boot (make check SEED=n; 0 if none): tests that want
 * their own random numbers take them from here, so a seed replays them. */
uint64_t test_seed(void);
/* A number from a generator seeded by test_seed() and the test's name. */
uint32_t test_rand(void);

/*
 * Comparisons compare values in the widest of their kinds: floating point
 * if either is (as double), unsigned if either is an unsigned long (long)
 * or a pointer, else signed (long long); so CHECK_LT(0.1, 0.2) and
 * CHECK_LT(x, UINT64_MAX) hold, and CHECK_EQ(len, 3) mixes sizes freely.
 * On failure both expressions and both values are shown, each as its kind.
 * (GCC's __builtin_classify_type: 5 a pointer, 8 a floating type.)
 */
#define GM_FLT(x) (__builtin_classify_type(x) == 8)
#define GM_KIND(x)                                                                      \
	(GM_FLT(x) ? 2                                                                 \
	 : __builtin_classify_type(x) == 5                                             \
		 ? 3                                                                   \
		 : _Generic((x), unsigned long: 1, unsigned long long: 1, default: 0))
#define GM_U(x) ((unsigned long long)(uintptr_t)__builtin_choose_expr(GM_FLT(x), 0, (x)))
#define GM_D(x) ((double)__builtin_choose_expr(GM_FLT(x), (x), (long long)GM_U(x)))
void gm_fail_cmp(const char *file, int line, const char *expr, int ka, unsigned long long ua,
		 double da, int kb, unsigned long long ub, double db);
int gm_cmp(int ka, unsigned long long ua, double da, int kb, unsigned long long ub, double db);

/* Compares a and b (each evaluated once) with op; on failure reports. */
#define GM_CMP(a, op, b, then)                                                          \
	do {                                                                           \
		__typeof__(a) _gm_a = (a);                                             \
		__typeof__(b) _gm_b = (b);                                             \
		int _gm_c = gm_cmp(GM_KIND(_gm_a), GM_U(_gm_a), GM_D(_gm_a),           \
				   GM_KIND(_gm_b), GM_U(_gm_b), GM_D(_gm_b));          \
		if (!(_gm_c op 0)) {                                                   \
			gm_fail_cmp(__FILE__, __LINE__, #a " " #op " " #b,             \
				    GM_KIND(_gm_a), GM_U(_gm_a), GM_D(_gm_a),          \
				    GM_KIND(_gm_b), GM_U(_gm_b), GM_D(_gm_b));         \
			then;                                                          \
		}                                                                      \
	} while (0)
#define GM_TRUE(cond, then)                                                            \
	do {                                                                           \
		if (!(cond)) {                                                         \
			test_fail(__FILE__, __LINE__, "%s", #cond);                    \
			then;                                                          \
		}                                                                      \
	} while (0)
int gm_streq(const char *a, const char *b);
#define GM_STR(a, b, then)                                                              \
	do {                                                                           \
		const char *_gm_a = (a), *_gm_b = (b);                                 \
		if (!gm_streq(_gm_a, _gm_b)) {                                         \
			test_fail(__FILE__, __LINE__, "%s == %s (\"%s\" != \"%s\")", #a, #b, \
				  _gm_a ? _gm_a : "(null)", _gm_b ? _gm_b : "(null)");  \
			then;                                                          \
		}                                                                      \
	} while (0)

/* Checks: fail the test and return from the function they are in (which
 * must return void). */
#define CHECK(cond) GM_TRUE(cond, return)
#define CHECK_EQ(a, b) GM_CMP(a, ==, b, return)
#define CHECK_NE(a, b) GM_CMP(a, !=, b, return)
#define CHECK_LT(a, b) GM_CMP(a, <, b, return)
#define CHECK_LE(a, b) GM_CMP(a, <=, b, return)
#define CHECK_GT(a, b) GM_CMP(a, >, b, return)
#define CHECK_GE(a, b) GM_CMP(a, >=, b, return)
#define CHECK_STR_EQ(a, b) GM_STR(a, b, return)

/* Requirements: fail the test and end it, from any depth of calls. */
#define REQUIRE(cond) GM_TRUE(cond, test_failnow())
#define REQUIRE_EQ(a, b) GM_CMP(a, ==, b, test_failnow())
#define REQUIRE_NE(a, b) GM_CMP(a, !=, b, test_failnow())
#define REQUIRE_LT(a, b) GM_CMP(a, <, b, test_failnow())
#define REQUIRE_LE(a, b) GM_CMP(a, <=, b, test_failnow())
#define REQUIRE_GT(a, b) GM_CMP(a, >, b, test_failnow())
#define REQUIRE_GE(a, b) GM_CMP(a, >=, b, test_failnow())
#define REQUIRE_STR_EQ(a, b) GM_STR(a, b, test_failnow())
