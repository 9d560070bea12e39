/*
 * Probe of what a statically linked glibc program can resolve with no shared
 * libraries around: getaddrinfo() for each name given, then getpwuid() and
 * getpwuid_r() for the effective uid (libpq calls the latter when no user
 * name is given, and to find ~/.postgresql and ~/.pgpass).
 *
 * One line per probe, "<probe> <arg> ok <result>" or "<probe> <arg> fail
 * <reason>", parsed by check-static-nss. Built with -static by that script.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void probe_getaddrinfo(const char *name)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;

    struct addrinfo *res = NULL;
    int rc = getaddrinfo(name, "5432", &hints, &res);
    if (rc != 0) {
        printf("getaddrinfo %s fail %s\n", name, gai_strerror(rc));
        return;
    }
    printf("getaddrinfo %s ok", name);
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        char buf[INET6_ADDRSTRLEN] = "?";
        const void *addr = ai->ai_family == AF_INET
            ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
            : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        inet_ntop(ai->ai_family, addr, buf, sizeof buf);
        printf(" %s", buf);
    }
    printf("\n");
    freeaddrinfo(res);
}

static void probe_getpwuid(uid_t uid)
{
    errno = 0;
    struct passwd *pw = getpwuid(uid);
    if (pw != NULL)
        printf("getpwuid %u ok %s %s\n", (unsigned)uid, pw->pw_name, pw->pw_dir);
    else
        printf("getpwuid %u fail errno=%d (%s)\n", (unsigned)uid, errno,
               errno ? strerror(errno) : "no such entry");

    char buf[1024];
    struct passwd pwbuf;
    struct passwd *result = NULL;
    int rc = getpwuid_r(uid, &pwbuf, buf, sizeof buf, &result);
    if (rc == 0 && result != NULL)
        printf("getpwuid_r %u ok %s %s\n", (unsigned)uid, result->pw_name, result->pw_dir);
    else
        printf("getpwuid_r %u fail rc=%d (%s)\n", (unsigned)uid, rc,
               rc ? strerror(rc) : "no such entry");
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        probe_getaddrinfo(argv[i]);
    probe_getpwuid(geteuid());
    return 0;
}
