/* test_epoch.c: the write epoch (shared/epoch.c): unknown until a file is mapped, refused for what
 * is not a plain file, and one counter for every process that maps the file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "epoch.h"
#include "tap.h"

/* The counter as the file holds it (what another process mapping it reads). */
static unsigned long long in_file(const char *path)
{
	unsigned long long v = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || pread(fd, &v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = ~0ULL;
	if (fd >= 0)
		close(fd);
	return v;
}

int main(void)
{
	char dir[] = "/tmp/cityinv-epoch.XXXXXX", path[64], link[64], sub[64];
	unsigned long long e = 0, e2 = 0;
	struct stat sb;
	pid_t pid;
	int status = -1;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/epoch", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);

	ok(!epoch_read(&e), "unknown before a file is mapped");
	epoch_bump();   /* nothing to move: no crash */
	ok(epoch_open("") == 0 && !epoch_read(&e), "\"\" (no epoch_file) leaves it unknown");
	ok(mkdir(sub, 0700) == 0 && epoch_open(sub) == -1 && !epoch_read(&e), "a directory is refused");
	ok(symlink(path, link) == 0 && epoch_open(link) == -1 && !epoch_read(&e), "a symbolic link is refused (O_NOFOLLOW)");
	/* Made by root (a migration by hand) where the services' user owns the directory: that user's. */
	if (!geteuid() && chown(dir, 65534, 65534))
		return 1;
	ok(epoch_open(path) == 0 && epoch_read(&e), "a new file is mapped");
	ok(stat(path, &sb) == 0 && sb.st_size == 4096 && (sb.st_mode & 0777) == 0600, "made one page long, the owner's only");
	ok(sb.st_blocks > 0, "its block allocated (no SIGBUS on a full disk)");
	ok(sb.st_uid == (geteuid() ? geteuid() : 65534), "owned by %s (uid %u)", geteuid() ? "its maker" : "the directory's owner, made by root",
	   (unsigned)sb.st_uid);
	ok(e == 0 && in_file(path) == 0, "a new file's counter is 0");
	epoch_bump();
	epoch_bump();
	ok(epoch_read(&e) && e == 2 && in_file(path) == 2, "two bumps: 2, in the file itself");
	ok(epoch_open("/nonexistent/dir/epoch") == 0 && epoch_read(&e) && e == 2, "a second open keeps the first mapping");

	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 1000; i++)
			epoch_bump();
		_exit(0);
	}
	for (int i = 0; i < 1000; i++)
		epoch_bump();
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && status == 0, "a child bumped beside the parent");
	ok(epoch_read(&e2), "still known");
	ok(e2 == 2002 && in_file(path) == 2002, "no bump lost between two processes (%llu)", e2);

	unlink(link);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
	return tap_done();
}
