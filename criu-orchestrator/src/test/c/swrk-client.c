/* A minimal criu RPC client for tests, as runc drives `criu swrk`: makes a
 * SOCK_SEQPACKET pair, starts the given command with the other end as fd 3 and
 * IMAGES_DIR open as fd 10, sends each hex-encoded request, prints each
 * response hex-encoded on a line of its own, then "exit N" for the server.
 *
 * usage: swrk-client IMAGES_DIR HEXREQ... -- COMMAND [ARGS...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int unhex(const char *s, unsigned char *out)
{
    int n = 0;
    for (; s[0] && s[1]; s += 2)
        sscanf(s, "%2hhx", &out[n++]);
    return n;
}

int main(int argc, char **argv)
{
    int sep = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--")) {
            sep = i;
            break;
        }
    if (argc < 4 || !sep || sep + 1 >= argc) {
        fprintf(stderr, "usage: swrk-client IMAGES_DIR HEXREQ... -- COMMAND [ARGS...]\n");
        return 2;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
        return perror("socketpair"), 1;
    pid_t pid = fork();
    if (pid == 0) {
        int dir = open(argv[1], O_RDONLY | O_DIRECTORY);
        if (dir < 0 || dup2(dir, 10) < 0 || dup2(sv[1], 3) < 0)
            _exit(126);
        execvp(argv[sep + 1], argv + sep + 1);
        _exit(127);
    }
    close(sv[1]);
    static unsigned char buf[1 << 20];
    for (int i = 2; i < sep; i++) {
        int n = unhex(argv[i], buf);
        if (send(sv[0], buf, n, 0) != n)
            return perror("send"), 1;
        ssize_t r = recv(sv[0], buf, sizeof(buf), 0);
        if (r <= 0) {
            printf("closed\n");
            break;
        }
        for (ssize_t k = 0; k < r; k++)
            printf("%02x", buf[k]);
        printf("\n");
        fflush(stdout);
    }
    close(sv[0]);
    int st;
    waitpid(pid, &st, 0);
    printf("exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return 0;
}
