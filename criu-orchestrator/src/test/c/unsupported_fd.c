/* Holds a netlink socket, which jcriu cannot save: the dump must fail naming it. */
#include <linux/netlink.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
	int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	(void)s;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	for (;;) pause();
}
