package org.jcriu.compel;

/**
 * One POSIX timer (timer_create) of the task: what /proc/PID/timers says and what
 * timer_gettime / timer_getoverrun say inside the task.
 *
 * @param id the timer id
 * @param signal the signal of a SIGEV_SIGNAL timer
 * @param notification the notify line of /proc/PID/timers (e.g. "signal/pid.1234", "thread/tid.5")
 * @param clockId the clock (0 REALTIME, 1 MONOTONIC, ...)
 * @param overrun timer_getoverrun
 * @param intervalSec it_interval.tv_sec
 * @param intervalNsec it_interval.tv_nsec
 * @param valueSec it_value.tv_sec
 * @param valueNsec it_value.tv_nsec
 */
public record PosixTimer(int id, int signal, String notification, int clockId, int overrun,
        long intervalSec, long intervalNsec, long valueSec, long valueNsec) {
}
