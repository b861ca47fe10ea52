/* epoch.c: the write epoch (epoch.h): one counter in a shared file mapping. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "epoch.h"
#include "util.h"

/*
 * DESIGN: a counter in a file mapped MAP_SHARED is one word of memory that
 * every process mapping the file sees: reading it costs a load, moving it
 * an atomic add, and nothing can fail or hang once it is mapped (the file
 * lives on a tmpfs such as /run).  Writers move it after their commit,
 * readers read it before their statement, both sequentially consistent: a
 * reader that saw the counter unmoved since its statement read nothing a
 * later commit has changed.  A writer outside the platform (SQL by hand)
 * does not move it: what the web keeps by it is kept for a second at most
 * (session.c).  The first eight bytes are the counter; the file's size is
 * a page, so it is never shorter than the word read.
 */
#define EPOCH_FILE_SIZE 4096

static unsigned long long *counter;

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
	    (sb.st_size < EPOCH_FILE_SIZE && ftruncate(fd, EPOCH_FILE_SIZE))) {
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
