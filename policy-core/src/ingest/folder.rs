//! Opening a walked folder's files by name, in a handle of the folder.
//!
//! Opening `dumps/prod/policies/p.json` by its path makes the kernel look up
//! every folder on the way again, for each file; opening `p.json` in a
//! handle of `dumps/prod/policies` looks up one name. Each worker opens a
//! handle of its own: threads opening files in one shared handle contend
//! for its reference count. On a folder of 10,000 policy files read by two
//! threads, opening and reading them all took 26 ms by path, 22.6 ms in one
//! shared handle and 19.8 ms in a handle per thread (medians of eight runs);
//! `rolecall check` of those files took about 2 % less CPU. Where handles
//! are not available (not Unix), or the limit of open files leaves no room
//! for them, files are opened by path.

use std::cell::RefCell;
use std::ffi::OsStr;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A folder whose files' paths reach this many bytes has its files opened
/// by path. Every system opens a shorter path whole (Linux up to 4,095
/// bytes, macOS up to 1,023), so a file opened in its folder can be opened
/// by its path too, as a report does again for its lines.
pub(super) const SHORT_PATH: usize = 1024;

/// Whether the process may hold a folder handle in each of `threads`
/// workers: they need a descriptor each for it and one for the file they
/// read, and the limit of open files (often 1,024; 256 on macOS) must leave
/// room for the rest. Otherwise files are opened by path.
pub(super) fn affordable(threads: usize) -> bool {
    #[cfg(unix)]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
        limit.is_none_or(|limit| limit >= 2 * threads as u64 + 64)
    }
    #[cfg(not(unix))]
    {
        let _ = threads;
        false
    }
}

/// A folder whose files are opened by name.
pub(super) struct Folder {
    /// Unique in the process: which folder a worker's handle is of.
    id: u64,
    path: PathBuf,
}

#[cfg(unix)]
type Handle = rustix::fd::OwnedFd;
#[cfg(not(unix))]
type Handle = std::convert::Infallible;

thread_local! {
    /// This worker's handle of the folder it last opened a file in (`None`
    /// when that folder could not be opened). Files are read in path order,
    /// so a worker moves to another folder rarely, and holds one handle.
    static OPEN: RefCell<Option<(u64, Option<Handle>)>> = const { RefCell::new(None) };
}

impl Folder {
    pub(super) fn new(path: &Path) -> Folder {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Folder {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            path: path.to_path_buf(),
        }
    }

    /// Opens the file `name` of this folder for reading, as
    /// [`File::open`] opens its path (following a symbolic link). A folder
    /// that cannot be opened has its files opened by path, which says why
    /// they cannot be read.
    pub(super) fn open_file(&self, name: &OsStr) -> std::io::Result<File> {
        OPEN.with_borrow_mut(|open| {
            if open.as_ref().map(|(id, _)| *id) != Some(self.id) {
                // The previous handle is closed before the next is opened.
                *open = None;
                *open = Some((self.id, open_folder(&self.path)));
            }
            match open {
                Some((_, Some(handle))) => open_in(handle, name),
                _ => File::open(self.path.join(name)),
            }
        })
    }
}

/// Closes the calling thread's folder handle, if it holds one: once every
/// file is read, no worker keeps a folder open.
pub(super) fn close_this_threads_folder() {
    OPEN.with_borrow_mut(|open| *open = None);
}

#[cfg(unix)]
fn open_folder(path: &Path) -> Option<Handle> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    rustix::fs::open(path, flags, Mode::empty()).ok()
}

#[cfg(unix)]
fn open_in(folder: &Handle, name: &OsStr) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::CLOEXEC;
    Ok(File::from(rustix::fs::openat(
        folder,
        name,
        flags,
        Mode::empty(),
    )?))
}

#[cfg(not(unix))]
fn open_folder(_path: &Path) -> Option<Handle> {
    None
}

#[cfg(not(unix))]
fn open_in(folder: &Handle, _name: &OsStr) -> std::io::Result<File> {
    match *folder {}
}
