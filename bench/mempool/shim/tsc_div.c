/*
 * tsc_div.c - LD_PRELOAD shim for bench/mempool/run.sh (built there with cc).
 *
 * DPDK's mempool_perf_autotest runs every one of its rows for a fixed
 * TIME_S = 5 seconds measured with rte_get_timer_cycles() / rte_get_timer_hz(),
 * and the test takes no arguments to run fewer rows: the whole test is 12
 * configurations (4 pools or caches x 1, 2 and "all" = 2 cores) x 60 rows
 * x 5 s, an hour. This shim makes DPDK's
 * idea of the TSC rate DPK_TSC_DIV times smaller, so every row runs
 * 5 s / DPK_TSC_DIV of real time. The test then prints
 * rate_persec = objects / 5, i.e. DPK_TSC_DIV times less than the real rate;
 * compare.go multiplies it back. Nothing else in the measured loop reads the
 * clock; EAL's own uses of the rate (delays, timers) are not in the loop.
 * Not part of dpk (which has no C): a tool of the benchmark only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>

uint64_t rte_get_tsc_hz(void)
{
	static uint64_t (*real_hz)(void);
	static uint64_t div;

	if (real_hz == NULL)
		real_hz = (uint64_t (*)(void))dlsym(RTLD_NEXT, "rte_get_tsc_hz");
	if (div == 0) {
		const char *s = getenv("DPK_TSC_DIV");
		div = s != NULL ? strtoull(s, NULL, 10) : 1;
		if (div == 0)
			div = 1;
	}
	return real_hz() / div;
}
