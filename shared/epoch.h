#ifndef CITYINV_EPOCH_H
#define CITYINV_EPOCH_H

/*
 * The write epoch: a counter in a small file every process of one
 * installation maps (config epoch_file: the web's processes, the workers,
 * cityinv-admin), moved after every write a process commits (db.c).  What a
 * process read from the database before the counter moved may be stale;
 * what it read while the counter stood still is not, as far as writes by
 * the platform go.  The web keeps a request's session by it (session.c).
 */

/* Maps path ("" disables it).  0, or -1 (logged once; the epoch then stays unknown). */
int epoch_open(const char *path);

/* 1 with *out the counter, read before the reads it is to vouch for; 0 when unknown. */
int epoch_read(unsigned long long *out);

/* After a write is committed (or its outcome is unknown). */
void epoch_bump(void);

#endif
