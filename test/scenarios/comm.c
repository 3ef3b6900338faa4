/* Task names: the main thread renamed with PR_SET_NAME and a second thread
 * with its own name (15 characters, the maximum). */
#include "scenario.h"
#include <pthread.h>
#include <sys/prctl.h>

static volatile int stop, started;
static pid_t tid;

static void *thr(void *a)
{
	prctl(PR_SET_NAME, "worker-15-chars");
	tid = sc_gettid();
	started = 1;
	while (!stop)
		sc_msleep(3);
	return NULL;
}

static char *comm_of(pid_t t)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", t);
	return sc_read_file(path);
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	SC_SYS(prctl(PR_SET_NAME, "jcriu:main"));
	pthread_t th;
	pthread_create(&th, NULL, thr, NULL);
	while (!started)
		sc_msleep(1);
	sc_ready();
	if (sc_corrupt())
		prctl(PR_SET_NAME, "changed");
	sc_wait();
	char name[32] = "";
	prctl(PR_GET_NAME, name);
	SC_CHECK(!strcmp(name, "jcriu:main"), "main name '%s'", name);
	char *c = comm_of(getpid());
	SC_CHECK(c && !strcmp(c, "jcriu:main\n"), "main comm '%s'", c);
	c = comm_of(tid);
	SC_CHECK(c && !strcmp(c, "worker-15-chars\n"), "thread comm '%s'", c);
	stop = 1;
	pthread_join(th, NULL);
	sc_pass();
}
