/* The mm's identity: /proc/self/exe, auxv, cmdline and environ (the
 * arg/env areas of the mm), and the start_code..start_brk fields of stat. */
#include "scenario.h"
#include <limits.h>

static void snap(char *exe, char *auxv, size_t *auxvlen, char *cmd, size_t *cmdlen, char *env, size_t *envlen, char *stat)
{
	ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX - 1);
	exe[n > 0 ? n : 0] = 0;
	int fd = open("/proc/self/auxv", O_RDONLY);
	*auxvlen = read(fd, auxv, 4096);
	close(fd);
	fd = open("/proc/self/cmdline", O_RDONLY);
	*cmdlen = read(fd, cmd, 4096);
	close(fd);
	fd = open("/proc/self/environ", O_RDONLY);
	*envlen = read(fd, env, 65536);
	close(fd);
	char *s = sc_read_file("/proc/self/stat");
	char *p = strrchr(s, ')') + 2;
	/* fields 26.. (startcode endcode startstack) and 45.. (start_data end_data start_brk arg_start arg_end env_start env_end) */
	int field = 3;
	stat[0] = 0;
	for (char *t = strtok(p, " "); t; t = strtok(NULL, " "), field++)
		if ((field >= 26 && field <= 28) || (field >= 45 && field <= 51)) {
			strcat(stat, t);
			strcat(stat, " ");
		}
}

int main(int argc, char **argv)
{
	sc_init(argc, argv);
	static char exe[2][PATH_MAX], auxv[2][4096], cmd[2][4096], env[2][65536], stat[2][1024];
	size_t al[2], cl[2], el[2];
	setenv("JCRIU_SCENARIO_ENV", "value-set-before-dump", 1);
	snap(exe[0], auxv[0], &al[0], cmd[0], &cl[0], env[0], &el[0], stat[0]);
	sc_ready();
	sc_wait();
	snap(exe[1], auxv[1], &al[1], cmd[1], &cl[1], env[1], &el[1], stat[1]);
	SC_CHECK(!strcmp(exe[0], exe[1]), "exe: %s, was %s", exe[1], exe[0]);
	SC_CHECK(al[0] == al[1] && !memcmp(auxv[0], auxv[1], al[0]), "auxv differs");
	SC_CHECK(cl[0] == cl[1] && !memcmp(cmd[0], cmd[1], cl[0]), "cmdline differs");
	SC_CHECK(el[0] == el[1] && !memcmp(env[0], env[1], el[0]), "environ differs");
	SC_CHECK(!strcmp(stat[0], stat[1]), "mm fields differ: %s, was %s", stat[1], stat[0]);
	SC_CHECK(!strcmp(getenv("JCRIU_SCENARIO_ENV"), "value-set-before-dump"), "environment variable lost");
	sc_pass();
}
