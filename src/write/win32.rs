//! What only Windows itself can say of a process or a file, asked through its own functions:
//! whether a run has ended, who owns a file, and a file's hidden attribute. Used by
//! [`abandoned_files`](super::abandoned_files) and the writing of outputs.

use std::fs::File;
use std::os::windows::fs::{MetadataExt, OpenOptionsExt};
use std::os::windows::io::AsRawHandle;
use std::path::Path;

use windows_sys::Win32::Foundation::{
    CloseHandle, GetLastError, LocalFree, ERROR_INVALID_PARAMETER, ERROR_SUCCESS, HANDLE,
    STILL_ACTIVE,
};
use windows_sys::Win32::Security::Authorization::{GetSecurityInfo, SE_FILE_OBJECT};
use windows_sys::Win32::Security::{
    EqualSid, GetLengthSid, GetTokenInformation, TokenOwner, TokenUser, OWNER_SECURITY_INFORMATION,
    PSID, TOKEN_INFORMATION_CLASS, TOKEN_QUERY,
};
use windows_sys::Win32::Storage::FileSystem::{
    FileBasicInfo, SetFileInformationByHandle, FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_HIDDEN,
    FILE_ATTRIBUTE_NORMAL, FILE_ATTRIBUTE_NOT_CONTENT_INDEXED, FILE_ATTRIBUTE_OFFLINE,
    FILE_ATTRIBUTE_READONLY, FILE_ATTRIBUTE_SYSTEM, FILE_ATTRIBUTE_TEMPORARY, FILE_BASIC_INFO,
    FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_ATTRIBUTES, FILE_WRITE_ATTRIBUTES, READ_CONTROL,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, GetExitCodeProcess, OpenProcess, OpenProcessToken,
    PROCESS_QUERY_LIMITED_INFORMATION,
};

/// Whether process `pid` has certainly ended, on this computer: Windows knows no process of
/// that id (`OpenProcess` refuses it as an invalid parameter), or it knows one that has
/// ended (its exit code is not `STILL_ACTIVE`; its object lives on while another program holds
/// it open). Anything else, a process of another user that this one may not open, one still
/// running (a later process given the same id, say), or a process that ended with exit code
/// 259, which reads as `STILL_ACTIVE`, is taken to be running.
pub(super) fn process_has_ended(pid: u32) -> bool {
    // SAFETY: OpenProcess takes plain values; a null handle is checked before use, and a
    // handle that was opened is closed once, after its last use.
    unsafe {
        let process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if process.is_null() {
            return GetLastError() == ERROR_INVALID_PARAMETER;
        }
        let mut code = 0u32;
        let known = GetExitCodeProcess(process, &mut code) != 0;
        CloseHandle(process);
        known && code != STILL_ACTIVE as u32
    }
}

/// Whether the file at `path` is owned by the user running covgap: its owner is the user of
/// this process, or the owner the process gives the files it makes (its default owner, which
/// is the Administrators group when an administrator runs it elevated). A file whose owner
/// cannot be read, such as any on a drive that records no owners (FAT or exFAT, as USB sticks
/// often are), is nobody's here, and so never taken for abandoned.
pub(super) fn owned_by_this_user(path: &Path) -> bool {
    let Ok(file) = File::options()
        .access_mode(READ_CONTROL)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
    else {
        return false;
    };
    let mut owner: PSID = std::ptr::null_mut();
    let mut descriptor = std::ptr::null_mut();
    // SAFETY: the handle is open for READ_CONTROL; `owner` points into `descriptor`, which is
    // freed once, after the owner's last use.
    unsafe {
        let read = GetSecurityInfo(
            file.as_raw_handle() as HANDLE,
            SE_FILE_OBJECT,
            OWNER_SECURITY_INFORMATION,
            &mut owner,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut descriptor,
        );
        if read != ERROR_SUCCESS {
            return false;
        }
        let ours = !owner.is_null()
            && [TokenUser, TokenOwner].into_iter().any(|class| {
                token_sid(class).is_some_and(|sid| EqualSid(sid.as_ptr() as PSID, owner) != 0)
            });
        LocalFree(descriptor);
        ours
    }
}

/// The SID that this process's token gives as `class` (`TokenUser` or `TokenOwner`), copied
/// out of the token: each is a structure whose first field points to the SID, which the
/// token information carries after it.
fn token_sid(class: TOKEN_INFORMATION_CLASS) -> Option<Vec<u8>> {
    // SAFETY: the token handle is closed once, after its last use; the information is written
    // into a buffer of the size Windows asked for, aligned for the pointer it starts with, and
    // read only where GetTokenInformation succeeded.
    unsafe {
        let mut token: HANDLE = std::ptr::null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return None;
        }
        let mut needed = 0u32;
        GetTokenInformation(token, class, std::ptr::null_mut(), 0, &mut needed);
        let mut info = vec![0usize; (needed as usize).div_ceil(size_of::<usize>())];
        let got = needed > 0
            && GetTokenInformation(token, class, info.as_mut_ptr().cast(), needed, &mut needed)
                != 0;
        CloseHandle(token);
        if !got {
            return None;
        }
        let sid = info[0] as PSID;
        if sid.is_null() {
            return None;
        }
        Some(std::slice::from_raw_parts(sid.cast::<u8>(), GetLengthSid(sid) as usize).to_vec())
    }
}

/// Makes the new file `path`, open to read and write, hidden from the start, for covgap's
/// temporary files; and marked temporary, as tempfile marks its own (Windows then need not
/// hurry it to disk: covgap flushes it itself before renaming it into place, and tempfile
/// clears both marks just before).
pub(super) fn create_hidden(path: &Path) -> std::io::Result<File> {
    File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .attributes(FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_TEMPORARY)
        .open(path)
}

/// Opens the file at `path` (not a link's target) to read and change its attributes alone,
/// which another program's holding it open does not prevent.
pub(super) fn open_attributes(path: &Path) -> std::io::Result<File> {
    File::options()
        .access_mode(FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
}

/// Sets `file`'s hidden attribute (`hidden`) or clears it, keeping its others: whether it
/// changed. `file` must be open to write attributes.
pub(super) fn set_hidden(file: &File, hidden: bool) -> std::io::Result<bool> {
    let attributes = file.metadata()?.file_attributes();
    if (attributes & FILE_ATTRIBUTE_HIDDEN != 0) == hidden {
        return Ok(false);
    }
    // Only these can be set; the others (a folder's, a compressed file's) are the file
    // system's own.
    let settable = FILE_ATTRIBUTE_ARCHIVE
        | FILE_ATTRIBUTE_HIDDEN
        | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED
        | FILE_ATTRIBUTE_OFFLINE
        | FILE_ATTRIBUTE_READONLY
        | FILE_ATTRIBUTE_SYSTEM
        | FILE_ATTRIBUTE_TEMPORARY;
    let attributes = if hidden {
        attributes | FILE_ATTRIBUTE_HIDDEN
    } else {
        attributes & !FILE_ATTRIBUTE_HIDDEN
    } & settable;
    let info = FILE_BASIC_INFO {
        // Times of 0 are left as they are: a moved-aside file keeps the time it was stamped.
        CreationTime: 0,
        LastAccessTime: 0,
        LastWriteTime: 0,
        ChangeTime: 0,
        // 0 would leave the attributes as they are; NORMAL, alone, is none.
        FileAttributes: if attributes == 0 {
            FILE_ATTRIBUTE_NORMAL
        } else {
            attributes
        },
    };
    // SAFETY: the handle is open, and `info` is a FILE_BASIC_INFO of the size given.
    let set = unsafe {
        SetFileInformationByHandle(
            file.as_raw_handle() as HANDLE,
            FileBasicInfo,
            (&info as *const FILE_BASIC_INFO).cast(),
            size_of::<FILE_BASIC_INFO>() as u32,
        )
    };
    if set == 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(true)
}
