package org.jcriu.compel;

/**
 * One interval timer (getitimer): {@code struct itimerval { struct timeval it_interval, it_value; }}.
 *
 * @param which ITIMER_REAL (0), ITIMER_VIRTUAL (1) or ITIMER_PROF (2)
 * @param intervalSec it_interval.tv_sec
 * @param intervalUsec it_interval.tv_usec
 * @param valueSec it_value.tv_sec (time left)
 * @param valueUsec it_value.tv_usec
 */
public record ITimer(int which, long intervalSec, long intervalUsec, long valueSec, long valueUsec) {
}
