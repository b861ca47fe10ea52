/* epoch.c: the write epoch (epoch.h): one counter in a shared file mapping. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "epoch.h"
#include "util.h"

/*
 * DESIGN: a counter in a file mapped MAP_SHARED is one word of memory that
 * every process mapping the file sees: reading it costs a load, moving it
 * an atomic add.  Writers move it after their commit, readers read it
 * before their statement, both sequentially consistent: a reader that saw
 * the counter unmoved since its statement read nothing a later commit has
 * changed.  A writer outside the platform (SQL by hand) does not move it:
 * what the web keeps by it is kept for a second at most (session.c).  The
 * first eight bytes are the counter; the file is a page long, its block
 * allocated when it is made (posix_fallocate), so that a store into it
 * never meets a full disk (SIGBUS) where the file is not on a tmpfs.  Made
 * by root (a migration run by hand) in a directory of another owner, it is
 * given that owner, who runs the services.
 */
#define EPOCH_FILE_SIZE 4096

static unsigned long long *counter;

/* root's file in a directory of another owner: that owner's (the services' user).  0 or -1. */
static int give_to_dir_owner(int fd, const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat ds;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	if (stat(dir, &ds))
		return -1;
	return ds.st_uid ? fchown(fd, ds.st_uid, ds.st_gid) : 0;
}

int epoch_open(const char *path)
{
	void *p;
	struct stat sb;
	int fd;

	if (counter || !path || !*path)
		return 0;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return error("epoch: %s: %s", path, strerror(errno));
	if (fstat(fd, &sb) || (!S_ISREG(sb.st_mode) && (errno = EINVAL)) ||
	    (sb.st_size < EPOCH_FILE_SIZE && (errno = posix_fallocate(fd, 0, EPOCH_FILE_SIZE))) ||
	    (sb.st_uid == 0 && !geteuid() && give_to_dir_owner(fd, path))) {
		error("epoch: %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	p = mmap(NULL, EPOCH_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return error("epoch: mmap %s: %s", path, strerror(errno));
	counter = p;
	return 0;
}

int epoch_read(unsigned long long *out)
{
	if (!counter)
		return 0;
	*out = __atomic_load_n(counter, __ATOMIC_SEQ_CST);
	return 1;
}

void epoch_bump(void)
{
	if (counter)
		__atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
}
