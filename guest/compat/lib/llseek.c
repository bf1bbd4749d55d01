/* SPDX-License-Identifier: MIT */
/* The kernel's llseek helpers and open-time position modes (see <linux/fs.h>). */
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/uaccess.h>

static bool unsigned_offsets(const struct file *file)
{
	return file->f_mode & FMODE_UNSIGNED_OFFSET;
}

loff_t vfs_setpos(struct file *file, loff_t offset, loff_t maxsize)
{
	if (offset < 0 && !unsigned_offsets(file))
		return -EINVAL;
	if (offset > maxsize)
		return -EINVAL;
	if (offset != file->f_pos) {
		file->f_pos = offset;
		file->f_version = 0;
	}
	return offset;
}

/*
 * Resolve SEEK_* against the current position and `eof` into an absolute target. Returns
 * false with *err set for requests that fail before any range check (SEEK_DATA/SEEK_HOLE at
 * or past the end: -ENXIO; an unknown whence: -EINVAL).
 */
static bool seek_target(const struct file *file, loff_t *offset, int whence, loff_t eof,
			loff_t *err)
{
	switch (whence) {
	case SEEK_SET:
		return true;
	case SEEK_END:
		*offset += eof;
		return true;
	case SEEK_CUR:
		*offset += file->f_pos;
		return true;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (*offset < 0 || *offset >= eof) {
			*err = -ENXIO;
			return false;
		}
		if (whence == SEEK_HOLE)
			*offset = eof; /* a device has no holes: the only one is at the end */
		return true;
	default:
		*err = -EINVAL;
		return false;
	}
}

loff_t generic_file_llseek_size(struct file *file, loff_t offset, int whence, loff_t maxsize,
				loff_t eof)
{
	loff_t err;

	if (whence == SEEK_CUR && offset == 0)
		return file->f_pos; /* a cheap "where am I", as in Linux */
	if (!seek_target(file, &offset, whence, eof, &err))
		return err;
	return vfs_setpos(file, offset, maxsize);
}

loff_t generic_file_llseek(struct file *file, loff_t offset, int whence)
{
	return generic_file_llseek_size(file, offset, whence, MAX_LFS_FILESIZE,
					i_size_read(file_inode(file)));
}

loff_t fixed_size_llseek(struct file *file, loff_t offset, int whence, loff_t size)
{
	return generic_file_llseek_size(file, offset, whence, size, size);
}

loff_t no_seek_end_llseek(struct file *file, loff_t offset, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	return generic_file_llseek_size(file, offset, whence, MAX_LFS_FILESIZE, 0);
}

/* default_llseek: SEEK_END relative to the inode size, any non-negative position allowed. */
loff_t default_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t err;

	if (whence == SEEK_CUR && offset == 0)
		return file->f_pos;
	if (!seek_target(file, &offset, whence, i_size_read(file_inode(file)), &err))
		return err;
	if (offset < 0 && !unsigned_offsets(file))
		return -EINVAL;
	if (offset != file->f_pos) {
		file->f_pos = offset;
		file->f_version = 0;
	}
	return offset;
}

loff_t no_llseek(struct file *file, loff_t offset, int whence)
{
	(void)file;
	(void)offset;
	(void)whence;
	return -ESPIPE;
}

/* The position stays where it is; report it. */
loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	(void)offset;
	(void)whence;
	return file->f_pos;
}

int stream_open(struct inode *inode, struct file *filp)
{
	(void)inode;
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE | FMODE_ATOMIC_POS);
	filp->f_mode |= FMODE_STREAM;
	return 0;
}

int nonseekable_open(struct inode *inode, struct file *filp)
{
	(void)inode;
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
	return 0;
}

int simple_open(struct inode *inode, struct file *file)
{
	if (inode->i_private)
		file->private_data = inode->i_private;
	return 0;
}

ssize_t simple_read_from_buffer(void __user *to, size_t count, loff_t *ppos, const void *from,
				size_t available)
{
	loff_t pos = *ppos;
	size_t n;

	if (pos < 0)
		return -EINVAL;
	if ((size_t)pos >= available || !count)
		return 0;
	n = available - (size_t)pos;
	if (n > count)
		n = count;
	n -= copy_to_user(to, (const char *)from + pos, n);
	if (n == 0)
		return -EFAULT;
	*ppos = pos + (loff_t)n;
	return (ssize_t)n;
}

ssize_t simple_write_to_buffer(void *to, size_t available, loff_t *ppos,
			       const void __user *from, size_t count)
{
	loff_t pos = *ppos;
	size_t n;

	if (pos < 0)
		return -EINVAL;
	if ((size_t)pos >= available || !count)
		return 0;
	n = available - (size_t)pos;
	if (n > count)
		n = count;
	n -= copy_from_user((char *)to + pos, from, n);
	if (n == 0)
		return -EFAULT;
	*ppos = pos + (loff_t)n;
	return (ssize_t)n;
}
