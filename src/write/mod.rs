//! Writing outputs. Every file is rendered in memory first, then written to a temporary file
//! in the output folder and renamed into place, so a failed run leaves no partial file.

/// The attribution every output that shows figures or places carries, as `data/SOURCES.md`
/// gives it: ONS figures and boundaries (OS 2024), postcode locations for team bases and
/// postcode districts (OS, Royal Mail and GeoPlace 2025), NRS, NISRA and Public Health
/// Scotland data, and LPS/OSNI for Northern Ireland's boundaries and postcode locations.
pub const ATTRIBUTION: &str = "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right 2024 (boundaries) and 2025 (postcode locations). Contains Royal Mail data © Royal Mail copyright and database right 2025. Contains GeoPlace data © Local Government Information House Limited copyright and database right 2025. NRS, NISRA and Public Health Scotland data © Crown copyright. Northern Ireland boundaries and postcode locations: Land & Property Services / OSNI, © Crown copyright.";
/// The attribution of the built-in deprivation table (`data/deprivation.csv`), as
/// `data/SOURCES.md` gives its sources: one index per nation, each Crown copyright under the
/// Open Government Licence. `plan.md` and a plan's `summary.md` carry it whenever the plan
/// uses the table: its shares are then beside each site in `plan.csv` and `plan.geojson`,
/// whatever `--rank-by`, and weigh births with `--rank-by need`. Not with a table of the
/// user's own (`--deprivation FILE`).
pub const DEPRIVATION_ATTRIBUTION: &str = "Deprivation shares (`most_deprived_decile_share`): English Indices of Deprivation 2025, Ministry of Housing, Communities and Local Government; Welsh Index of Multiple Deprivation 2019, Welsh Government; Scottish Index of Multiple Deprivation 2020v2, Scottish Government; Northern Ireland Multiple Deprivation Measure 2017, Northern Ireland Statistics and Research Agency (NISRA). © Crown copyright, contains public sector information licensed under the Open Government Licence v3.0.";
/// The indices [`DEPRIVATION_ATTRIBUTION`] credits, one a nation, in its order.
const DEPRIVATION_INDICES: [(crate::model::Nation, &str); 4] = [
    (
        crate::model::Nation::England,
        "English Indices of Deprivation 2025, Ministry of Housing, Communities and Local Government",
    ),
    (
        crate::model::Nation::Wales,
        "Welsh Index of Multiple Deprivation 2019, Welsh Government",
    ),
    (
        crate::model::Nation::Scotland,
        "Scottish Index of Multiple Deprivation 2020v2, Scottish Government",
    ),
    (
        crate::model::Nation::NorthernIreland,
        "Northern Ireland Multiple Deprivation Measure 2017, Northern Ireland Statistics and Research Agency (NISRA)",
    ),
];

/// [`DEPRIVATION_ATTRIBUTION`] for the indices of the nations whose districts' shares a plan
/// looked up (`codes`: the districts, or smaller areas, with a share), so that a plan for
/// Scotland credits the Scottish index alone rather than four bodies whose figures it never
/// read. A code of no nation credits all four, as the whole line does.
///
/// # Examples
/// ```
/// use covgap::write::{deprivation_attribution, DEPRIVATION_ATTRIBUTION};
/// assert_eq!(
///     deprivation_attribution(["S12000041", "S12000042"]),
///     "Deprivation shares (`most_deprived_decile_share`): Scottish Index of Multiple Deprivation 2020v2, Scottish Government. © Crown copyright, contains public sector information licensed under the Open Government Licence v3.0."
/// );
/// assert_eq!(
///     deprivation_attribution(["N09000003", "E06000001", "W06000015", "S12000036"]),
///     DEPRIVATION_ATTRIBUTION
/// );
/// ```
pub fn deprivation_attribution<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    use crate::model::Nation;
    let mut given = std::collections::BTreeSet::new();
    for code in codes {
        match Nation::from_code(code) {
            Nation::Unknown => given.extend(DEPRIVATION_INDICES.iter().map(|(n, _)| *n)),
            n => {
                given.insert(n);
            }
        }
    }
    let credits: Vec<&str> = DEPRIVATION_INDICES
        .iter()
        .filter(|(n, _)| given.contains(n))
        .map(|(_, credit)| *credit)
        .collect();
    format!(
        "Deprivation shares (`most_deprived_decile_share`): {}. © Crown copyright, contains public sector information licensed under the Open Government Licence v3.0.",
        credits.join("; ")
    )
}

pub mod geojson;
pub mod gpkg;
pub mod map;
pub mod plan;
pub mod qml;
pub mod run;
pub mod small_areas;
pub mod style;
pub mod summary;
pub mod tables;
pub mod teams;
#[cfg(windows)]
mod win32;
pub mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One rendered output file.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Every file `run` and `plan` may write into their output folder. Those of an earlier run
/// or plan that this one does not write (a plan's `plan.md` in the folder of a run, or the
/// map of a run in the folder of a plan) are removed with the rest of the earlier outputs,
/// so the folder never holds two runs' files, while still as the earlier run wrote them
/// (its `run.json` records them).
pub const RUN_OUTPUTS: &[&str] = &[
    "areas.geojson",
    "areas.qml",
    "covgap.gpkg",
    "covgap.xlsx",
    "gaps.csv",
    "map.png",
    "map.svg",
    "plan.csv",
    "plan.geojson",
    "plan.md",
    "plan_geographies.csv",
    "rollups.csv",
    "run.json",
    "small_areas.geojson",
    "summary.json",
    "summary.md",
    "teams.geojson",
    "teams.qml",
];

/// The files `diff` writes into its output folder.
pub const DIFF_OUTPUTS: &[&str] = &["diff.md", "diff.csv"];

/// Writes `files` into `dir` (created if needed): each goes to a temporary name first and is
/// renamed only once every file has been written in full and flushed to disk. Outputs of an
/// earlier run are moved aside first and put back if any file cannot be put in place (an
/// output open in another program, a folder where a file should go), so the folder holds
/// either every new file or every old one, never a mix of two runs: `family` names every
/// file this kind of run may write, and those in `dir` that an earlier run wrote and this one
/// does not are removed ([`stale_outputs`]), as are the temporary and moved-aside files of
/// runs that ended before they finished ([`abandoned_files`]). No file is written over one of
/// `inputs`.
pub fn commit(
    dir: &Path,
    files: &[OutputFile],
    inputs: &[PathBuf],
    family: &[&str],
) -> Result<Vec<PathBuf>> {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    commit_in(dir, files, inputs, &Earlier::in_folder(dir, family, &names))
}

/// [`commit`], with what earlier runs left in `dir` found beforehand ([`Earlier::in_folder`]),
/// for a caller that reports it.
pub fn commit_in(
    dir: &Path,
    files: &[OutputFile],
    inputs: &[PathBuf],
    earlier: &Earlier,
) -> Result<Vec<PathBuf>> {
    folder_for_output(dir, "give --out a folder")?;
    let placed: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|f| (dir.join(&f.name), f.bytes.as_slice()))
        .collect();
    commit_to(&placed, inputs, earlier)
}

/// What earlier runs left in an output folder, for a new run to clear.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Earlier {
    /// Outputs of an earlier run that this one does not write ([`stale_outputs`]): moved
    /// aside with the files being replaced, removed once the new ones are in place, and put
    /// back if they cannot be.
    pub stale: Vec<PathBuf>,
    /// Temporary and moved-aside files of runs no longer running ([`abandoned_files`]):
    /// removed once the new files are in place.
    pub abandoned: Vec<PathBuf>,
    /// Files of the family, other than those written, beside a `run.json` of a covgap that
    /// recorded no `outputs` (from before 27 November 2026): they may be that run's, or the
    /// user's, so they are left alone, and the user is told ([`unrecorded_warning`]): the
    /// folder then holds files of two runs.
    pub unrecorded: Vec<String>,
}

impl Earlier {
    /// What earlier runs of `family` left in `dir`, for a run that writes `written` there:
    /// the earlier `run.json` is read once for both what it records and what it does not.
    pub fn in_folder(dir: &Path, family: &[&str], written: &[&str]) -> Earlier {
        let record = Record::in_folder(dir, family);
        let unrecorded = match record {
            Record::Unlisted => family
                .iter()
                .filter(|n| !written.contains(n) && dir.join(n).is_file())
                .map(|n| n.to_string())
                .collect(),
            _ => Vec::new(),
        };
        Earlier {
            stale: record.stale(dir, family, written),
            abandoned: abandoned_files(dir, family),
            unrecorded,
        }
    }
}

/// What an output folder's `run.json` says of the files its run wrote.
enum Record {
    /// No `run.json` of covgap's (or `family` is `diff`'s, which has none).
    None,
    /// covgap's, from before it recorded `outputs`.
    Unlisted,
    /// Each output's name, size and SHA-256.
    Listed(std::collections::HashMap<String, (u64, String)>),
}

impl Record {
    fn in_folder(dir: &Path, family: &[&str]) -> Record {
        if !family.contains(&"run.json") {
            return Record::None;
        }
        let Some(doc) = std::fs::read(dir.join("run.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .filter(|d| d["covgap_version"].is_string())
        else {
            return Record::None;
        };
        let Some(outputs) = doc.get("outputs") else {
            return Record::Unlisted;
        };
        let mut recorded = std::collections::HashMap::new();
        for o in outputs.as_array().into_iter().flatten() {
            if let (Some(name), Some(size), Some(sha)) = (
                o["file"].as_str(),
                o["bytes"].as_u64(),
                o["sha256"].as_str(),
            ) {
                recorded.insert(name.to_string(), (size, sha.to_string()));
            }
        }
        Record::Listed(recorded)
    }

    /// [`stale_outputs`] by this record.
    fn stale(&self, dir: &Path, family: &[&str], written: &[&str]) -> Vec<PathBuf> {
        let Record::Listed(recorded) = self else {
            return Vec::new();
        };
        // The family's files, and any other file the earlier run recorded writing into the
        // folder (a plan's `--export-instance` named there): a plain name, never a path.
        let mut others: Vec<&str> = recorded
            .keys()
            .map(String::as_str)
            .filter(|n| !family.contains(n) && plain_file_name(n))
            .collect();
        others.sort_unstable();
        family
            .iter()
            .copied()
            .chain(others)
            .filter(|n| !written.contains(n))
            .filter_map(|n| {
                let (size, sha) = recorded.get(n)?;
                let path = dir.join(n);
                let as_written = std::fs::symlink_metadata(&path)
                    .is_ok_and(|m| m.is_file() && m.len() == *size)
                    && run::fingerprint_file(&path).is_ok_and(|(_, s)| s == *sha);
                as_written.then_some(path)
            })
            .collect()
    }
}

/// Whether `name` is a file's name alone, with no folder, not hidden (`.`, `..`, covgap's own
/// temporary files): the only names a recorded output is looked for under.
fn plain_file_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(std::path::Component::Normal(n)), None) if n == std::ffi::OsStr::new(name)
    ) && !name.starts_with('.')
}

/// The files of `family` in `dir` that a run writing `written` leaves from an earlier one,
/// and any other file its `run.json` records writing there (a plan's `--export-instance`
/// named in the folder).
///
/// Only files the earlier run itself wrote, as it wrote them: `run.json`'s `outputs` records
/// the size and SHA-256 of each, and a file goes only while it still matches. A file of the
/// user's that merely bears an output's name (whatever its timestamp), one changed since the
/// run, and every file of a folder with no covgap `run.json`, or with one from an older covgap
/// that recorded no `outputs`, are left alone. `diff` writes every file of its family each
/// time, so none of its is ever stale.
pub fn stale_outputs(dir: &Path, family: &[&str], written: &[&str]) -> Vec<PathBuf> {
    Record::in_folder(dir, family).stale(dir, family, written)
}

/// The warning for [`Earlier::unrecorded`] `left` in `dir`.
pub fn unrecorded_warning(dir: &Path, left: &[String]) -> String {
    format!(
        "warning: {}: {} were left as they are: the earlier run.json there, from a covgap before 27 November 2026, does not list the files its run wrote, so covgap cannot tell them from files of yours; delete them if they are that run's",
        dir.display(),
        left.join(", ")
    )
}

/// The temporary file `path` is written to before it is renamed into place, in its folder:
/// `.NAME.PID.XXXXXX.tmp`, with this process's id, so that a later run can tell a file left
/// by a run that has ended from one of a run still writing ([`abandoned_files`]). Hidden: on
/// Unix by its leading dot, on Windows, which does not hide a name for its dot, by its hidden
/// attribute, set as it is made. Put it in place with [`put_in_place`], which shows it.
pub fn staging_file(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let prefix = format!(".{}.{}.", file_name(path), std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(windows)]
    {
        builder.make_in(folder(path), win32::create_hidden)
    }
    #[cfg(not(windows))]
    {
        builder.tempfile_in(folder(path))
    }
}

/// Renames the temporary file `tmp` ([`staging_file`]) into place as the output `path`, not
/// hidden: on Windows tempfile clears its attributes before the rename, and whatever hides it
/// still is cleared after, through the file itself; should that fail, the output is removed
/// rather than left in place unseen, and the error returned.
pub fn put_in_place(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    let placed = tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(windows)]
    if let Err(e) = win32::set_hidden(&placed, false) {
        drop(placed);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    drop(placed);
    Ok(())
}

/// Hides `path`, an output just moved aside as `.NAME.PID.old`, on Windows, as its leading
/// dot hides it on Unix: whether it was hidden here (and so is to be shown again if put back).
/// Hiding is for the eye alone, so a file that cannot be hidden is left as it is.
fn hide_aside(path: &Path) -> bool {
    #[cfg(windows)]
    {
        win32::open_attributes(path).is_ok_and(|f| win32::set_hidden(&f, true).unwrap_or(false))
    }
    #[cfg(not(windows))]
    {
        let _ = path;
        false
    }
}

/// Shows again an output put back from aside that [`hide_aside`] hid.
fn show_put_back(path: &Path) {
    #[cfg(windows)]
    if let Ok(f) = win32::open_attributes(path) {
        let _ = win32::set_hidden(&f, false);
    }
    #[cfg(not(windows))]
    let _ = path;
}

/// How long a leftover must have been left unchanged before it counts as abandoned. A run
/// renames its temporary files into place seconds after writing them, and stamps an earlier
/// output with the time it moves it aside; a run the system does not show (on Linux one in
/// another PID namespace or a container; anywhere, one on another computer sharing the
/// folder, whose process id means nothing here) is still never so long at either.
const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// covgap's own files for the outputs `names` in `dir` that a run left when it was killed
/// (or the computer stopped) before it finished: its temporary files,
/// `.NAME.PID.XXXXXX.tmp`, and the earlier outputs it had moved aside to replace,
/// `.NAME.PID.old`, once the run PID has certainly ended (`run_has_ended`) and the file has
/// been unchanged for an hour; and temporary files named before they carried the process id,
/// `.NAME.XXXXXX.tmp`, once unchanged for an hour. A file of a run still in progress, another
/// user's (`ours`), a link, or any other name (a user's `.notes.tmp`) is never among them; nor
/// is any file on a system that cannot say which runs have ended (Linux says through `/proc`,
/// Windows when asked; others cannot).
pub fn abandoned_files(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let file = e.file_name();
            let Some(kind) = file
                .to_str()
                .and_then(|f| names.iter().find_map(|n| Leftover::of(f, n)))
            else {
                return false;
            };
            // `DirEntry::metadata` does not follow a link: a link is never removed.
            let Ok(meta) = e.metadata() else {
                return false;
            };
            let quiet = meta
                .modified()
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > LEFTOVER_AGE);
            meta.is_file()
                && ours(&e.path(), &meta)
                && quiet
                && match kind {
                    Leftover::Numbered(pid) => run_has_ended(pid),
                    Leftover::Unnumbered => true,
                }
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// A file name of covgap's own making for an output, and the run that made it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Leftover {
    /// `.NAME.PID.XXXXXX.tmp` or `.NAME.PID.old`, made by run PID.
    Numbered(u32),
    /// `.NAME.XXXXXX.tmp`, as covgap named its temporary files before they carried the PID.
    Unnumbered,
}

impl Leftover {
    /// What `file` is, if it is covgap's temporary or moved-aside file for the output `name`.
    fn of(file: &str, name: &str) -> Option<Leftover> {
        let rest = file
            .strip_prefix('.')?
            .strip_prefix(name)?
            .strip_prefix('.')?;
        let pid = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| s.parse().ok())
                .flatten()
        };
        // tempfile's six random letters and digits.
        let random = |s: &str| s.len() == 6 && s.bytes().all(|b| b.is_ascii_alphanumeric());
        if let Some(pid_text) = rest.strip_suffix(".old") {
            return pid(pid_text).map(Leftover::Numbered);
        }
        match rest.strip_suffix(".tmp")?.split_once('.') {
            Some((pid_text, r)) if random(r) => pid(pid_text).map(Leftover::Numbered),
            Some(_) => None,
            None => random(rest.strip_suffix(".tmp")?).then_some(Leftover::Unnumbered),
        }
    }
}

/// Whether the process `pid` (never this one) has certainly ended, on this computer. Where
/// `/proc` lists the running processes (Linux), when it lists no `pid`. On Windows, when the
/// system, asked, knows no process `pid` or knows it has ended; a process it will not say of
/// (another user's) is taken to be running. Elsewhere it cannot be told, so a run is taken to
/// be still running and its files are left. Only this computer's processes are known: a run
/// on another sharing the folder is kept apart by [`LEFTOVER_AGE`].
fn run_has_ended(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    #[cfg(windows)]
    {
        win32::process_has_ended(pid)
    }
    #[cfg(not(windows))]
    {
        let proc = Path::new("/proc");
        cfg!(unix)
            && proc.join("self").is_dir()
            && std::fs::symlink_metadata(proc.join(pid.to_string()))
                .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Whether a file belongs to the user running covgap (the owner of `/proc/self`; without
/// `/proc`, none does): another user's run in a shared folder may be one `/proc` does not
/// show.
#[cfg(unix)]
fn ours(_: &Path, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|me| me.uid() == meta.uid())
}

/// Whether a file belongs to the user running covgap: its owner is this user (or, for a run an
/// administrator started elevated, the Administrators group, which Windows makes the owner of
/// the files such a run makes). Windows is asked after any run on this computer, whoever's
/// (one it will not say of is taken to be running: [`run_has_ended`]), so another user's run
/// here is safe by its process id alone; the owner keeps apart, as on Unix, the files that
/// other users' runs on other computers write into a shared folder, whose process ids mean
/// nothing here and which only [`LEFTOVER_AGE`] would otherwise guard. A file whose owner
/// cannot be read (on a FAT or exFAT drive, which records none) is nobody's, and left.
#[cfg(windows)]
fn ours(path: &Path, _: &std::fs::Metadata) -> bool {
    win32::owned_by_this_user(path)
}

/// Elsewhere no run's files are taken for abandoned ([`run_has_ended`]).
#[cfg(not(any(unix, windows)))]
fn ours(_: &Path, _: &std::fs::Metadata) -> bool {
    false
}

/// The folder an output path is in (`.` for a bare name).
fn folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An output path's file name, as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string()
}

/// Makes `dir` (and its parents) if needed, so outputs can go there; fails, with `hint`, if
/// it is a file.
pub fn folder_for_output(dir: &Path, hint: &str) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Write {
            path: dir.to_path_buf(),
            source: std::io::Error::other(format!("it is a file, not a folder; {hint}")),
        });
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })
}

/// A hold on output folders while a run clears what earlier runs left and puts its own files
/// in place, so that two runs writing into one folder at once take turns, and the folder ends
/// with the whole of the later one, never a mix of both. On Unix it is a lock on the folder
/// itself (`flock`, advisory: covgap runs respect it). Windows cannot lock a folder, so there
/// it is a lock on an empty file named for the folder in the user's temporary folder
/// (`covgap-folder-HASH.lock`, HASH from the folder's full path), never a file in the output
/// folder, removed when the hold is dropped unless another run has it open. Either is
/// released when the hold is dropped or the run ends, however it ends, and nothing is left
/// behind in the folder. On other systems, and on file systems that do not
/// lock, runs are not kept apart; on Windows, nor are runs by two users or on two computers
/// writing into one shared folder (each has its own temporary folder).
#[derive(Debug)]
pub struct FolderHold {
    _locked: Vec<std::fs::File>,
    /// The lock files of the folders held (Windows), to remove once released.
    #[cfg(windows)]
    lock_files: Vec<PathBuf>,
}

/// Each lock file is removed once released, unless another run has opened it (to wait for
/// it, or just after this one let it go): it cannot be removed while any run has it open
/// ([`lock_folder`]), so two runs never lock two files of one name. One left by a run that
/// was killed is taken up by the next.
#[cfg(windows)]
impl Drop for FolderHold {
    fn drop(&mut self) {
        self._locked.clear();
        for f in &self.lock_files {
            let _ = std::fs::remove_file(f);
        }
    }
}

impl FolderHold {
    /// Holds each of `dirs` (which must exist), taken in one order whatever the order given,
    /// so that two runs holding the same two folders cannot each wait for the other. When
    /// another run holds one, `waiting` is told which before this one waits for it.
    pub fn take(dirs: &[&Path], mut waiting: impl FnMut(&Path)) -> FolderHold {
        let mut dirs: Vec<PathBuf> = dirs
            .iter()
            .map(|d| d.canonicalize().unwrap_or_else(|_| d.to_path_buf()))
            .collect();
        dirs.sort();
        dirs.dedup();
        let mut tell = |d: &Path| waiting(&shown_path(d));
        let mut locked = Vec::with_capacity(dirs.len());
        #[cfg(windows)]
        let mut lock_files = Vec::with_capacity(dirs.len());
        for dir in &dirs {
            if let Some(f) = lock_folder(dir, &mut tell) {
                locked.push(f);
                #[cfg(windows)]
                lock_files.push(folder_lock_file(dir));
            }
        }
        FolderHold {
            _locked: locked,
            #[cfg(windows)]
            lock_files,
        }
    }
}

/// The folder `dir`, opened and locked: `None` when it cannot be (a file system that does
/// not lock), and the run goes on as it would have without.
#[cfg(unix)]
fn lock_folder(dir: &Path, waiting: &mut impl FnMut(&Path)) -> Option<std::fs::File> {
    let f = std::fs::File::open(dir).ok()?;
    lock_or_wait(f, dir, waiting)
}

/// The lock file of the folder `dir` (canonical), opened and locked: `None` when it cannot
/// be, and the run goes on as it would have without. The file is opened for others to read
/// and write but not to delete, so it cannot be removed while any run has it open: neither by
/// a clean-up of the temporary folder nor by the run that held it before (see [`FolderHold`]'s
/// `drop`), either of which would let the next run lock a new file of the same name while
/// another still waits on, or holds, the old one.
#[cfg(windows)]
fn lock_folder(dir: &Path, waiting: &mut impl FnMut(&Path)) -> Option<std::fs::File> {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 1;
    const FILE_SHARE_WRITE: u32 = 2;
    let f = std::fs::File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE)
        .open(folder_lock_file(dir))
        .ok()?;
    lock_or_wait(f, dir, waiting)
}

/// Where Windows keeps the lock of the folder `dir` (canonical): named by the SHA-256 of its
/// path in lower case, since Windows does not tell folder names apart by case.
#[cfg(windows)]
fn folder_lock_file(dir: &Path) -> PathBuf {
    let (_, sha) = run::fingerprint_bytes(dir.to_string_lossy().to_lowercase().as_bytes());
    std::env::temp_dir().join(format!("covgap-folder-{}.lock", &sha[..32]))
}

#[cfg(not(any(unix, windows)))]
fn lock_folder(_: &Path, _: &mut impl FnMut(&Path)) -> Option<std::fs::File> {
    None
}

/// `f` locked, at once or, when another run holds it, after telling `waiting` that this run
/// waits for `dir`; `None` when it cannot be locked.
#[cfg(any(unix, windows))]
fn lock_or_wait(
    f: std::fs::File,
    dir: &Path,
    waiting: &mut impl FnMut(&Path),
) -> Option<std::fs::File> {
    match f.try_lock() {
        Ok(()) => Some(f),
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting(dir);
            f.lock().ok().map(|_| f)
        }
        Err(std::fs::TryLockError::Error(_)) => None,
    }
}

/// A folder's path as its user knows it. On Windows a resolved path is in the long form
/// `\\?\C:\out` (or `\\?\UNC\server\share\out`), said as `C:\out` (`\\server\share\out`);
/// elsewhere it is as it is.
#[cfg(windows)]
fn shown_path(p: &Path) -> PathBuf {
    let Some(s) = p.to_str() else {
        return p.to_path_buf();
    };
    if let Some(share) = s.strip_prefix(r"\\?\UNC\") {
        return PathBuf::from(format!(r"\\{share}"));
    }
    match s.strip_prefix(r"\\?\") {
        Some(rest) if rest.as_bytes().get(1) == Some(&b':') => PathBuf::from(rest),
        _ => p.to_path_buf(),
    }
}

#[cfg(not(windows))]
fn shown_path(p: &Path) -> PathBuf {
    p.to_path_buf()
}

/// [`commit`] for files that go to folders of their own (which must exist), such as `plan`'s
/// outputs and its `--export-instance` file: all of them are put in place and what `earlier`
/// runs left removed, or nothing changes. No file is written over one of `inputs`.
pub fn commit_to(
    files: &[(PathBuf, &[u8])],
    inputs: &[PathBuf],
    earlier: &Earlier,
) -> Result<Vec<PathBuf>> {
    commit_with(files, inputs, earlier, put_in_place)
}

/// The file an output path names, whether or not it exists yet: its folder as the file
/// system resolves it, and its name. Two outputs with one key would replace each other. On
/// Windows, whose file systems do not tell names apart by case, the key is in lower case:
/// `out/PLAN.md` is `out/plan.md` there.
pub fn output_file_key(path: &Path) -> (PathBuf, Option<std::ffi::OsString>) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let name = path.file_name().map(|n| n.to_os_string());
    #[cfg(windows)]
    let (dir, name) = {
        let fold = |s: &std::ffi::OsStr| -> std::ffi::OsString {
            s.to_string_lossy().to_lowercase().into()
        };
        (
            PathBuf::from(fold(dir.as_os_str())),
            name.as_deref().map(fold),
        )
    };
    (dir, name)
}

/// Whether two folder paths name one folder, whether or not it exists yet: as the file
/// system resolves them when they exist, else as absolute paths (`out`, `./out` and `out/`
/// are one). An empty path is the current folder, as the folder of a bare file name.
///
/// # Examples
/// ```
/// use covgap::write::same_folder;
/// assert!(same_folder("no-such-out".as_ref(), "./no-such-out/".as_ref()));
/// assert!(same_folder("".as_ref(), ".".as_ref()));
/// assert!(!same_folder("no-such-out".as_ref(), "no-such-out/inner".as_ref()));
/// ```
pub fn same_folder(a: &Path, b: &Path) -> bool {
    let resolve = |p: &Path| -> PathBuf {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.to_path_buf())
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect()
        })
    };
    resolve(a) == resolve(b)
}

/// Refuses an output that is one of the inputs under any name (a link, `./`, another
/// spelling): writing it would replace the user's file, and `run.json` would fingerprint a
/// file that no longer exists.
pub fn check_not_an_input(output: &Path, inputs: &[PathBuf], hint: &str) -> Result<()> {
    match inputs
        .iter()
        .find(|i| same_file::is_same_file(output, i).unwrap_or(false))
    {
        Some(input) => Err(Error::Write {
            path: output.to_path_buf(),
            source: std::io::Error::other(if input == output {
                format!("it is one of the inputs; writing there would replace it: {hint}")
            } else {
                format!(
                    "it is the input {} under another name; writing there would replace it: {hint}",
                    input.display()
                )
            }),
        }),
        None => Ok(()),
    }
}

/// An error when `path` is a device, a pipe or a socket (`/dev/null`, `/dev/stdout`, a named
/// pipe): the file covgap puts in place would replace it, and for a user allowed to write
/// where it lies (root, in /dev) remove the device itself; opening a pipe to compare it with
/// the inputs would wait. Every output path is checked before anything is written.
pub fn check_not_special(path: &Path) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return Err(Error::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(
                "this is a device, pipe or socket, not a file: covgap writes each output to a file of its own, put in place whole; give a file's name",
            ),
        });
    }
    Ok(())
}

/// [`commit_to`], putting each staged file in place with `persist` (a rename; tests make it
/// fail part-way to check that the earlier outputs are put back).
fn commit_with(
    files: &[(PathBuf, &[u8])],
    inputs: &[PathBuf],
    earlier: &Earlier,
    persist: impl Fn(tempfile::NamedTempFile, &Path) -> std::io::Result<()>,
) -> Result<Vec<PathBuf>> {
    let werr = |path: &Path, source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    // Two outputs for one file (`plan --export-instance out/plan.md`) would leave only the
    // last, and the other output silently missing: say so before writing anything.
    let mut targets = std::collections::HashMap::new();
    for (path, _) in files {
        if let Some(first) = targets.insert(output_file_key(path), path) {
            return Err(werr(
                path,
                std::io::Error::other(format!(
                    "covgap would write two of its outputs to this file (it is also {}); give --export-instance a name of its own",
                    first.display()
                )),
            ));
        }
    }
    // A device, a pipe or a socket (`--export-instance /dev/stdout`, a named pipe) cannot
    // take an output either: the file put in place would replace it, and for a user allowed
    // to write where it lies (root, in /dev) remove the device itself. Said before anything
    // is written, and before the inputs are compared, which opens it (a pipe would wait).
    for (path, _) in files {
        check_not_special(path)?;
    }
    for (path, _) in files {
        check_not_an_input(path, inputs, "write the outputs somewhere else")?;
    }
    // An input that happens to bear an output's name is the user's file, not a stale output.
    let not_an_input = |p: &&PathBuf| check_not_an_input(p, inputs, "").is_ok();
    let stale: Vec<&PathBuf> = earlier.stale.iter().filter(not_an_input).collect();
    let abandoned: Vec<&PathBuf> = earlier.abandoned.iter().filter(not_an_input).collect();
    // A name taken by a folder cannot be replaced by a file: say so before writing anything.
    for (path, _) in files {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            return Err(werr(
                path,
                std::io::Error::other(
                    "a folder has this name, where covgap writes a file; move or rename it",
                ),
            ));
        }
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let mut tmp = staging_file(path).map_err(|e| werr(path, e))?;
        tmp.write_all(bytes)
            .and_then(|_| readable_by_all(tmp.as_file()))
            .map_err(|e| werr(path, e))?;
        staged.push((tmp, path.clone()));
    }
    // Every staged file reaches the disk before any is renamed into place, so that a failure
    // (a full disk, say) shows before the previous outputs are replaced. The flushes wait on
    // the disk rather than the processor, so they are made together, one thread each.
    std::thread::scope(|scope| -> Result<()> {
        let flushes: Vec<_> = staged
            .iter()
            .map(|(tmp, path)| (path, scope.spawn(|| tmp.as_file().sync_all())))
            .collect();
        for (path, flush) in flushes {
            flush
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("flushing to disk failed")))
                .map_err(|e| werr(path, e))?;
        }
        Ok(())
    })?;
    // The earlier run's files are moved aside, then the new ones put in place; on any failure
    // the new ones are removed and the old ones put back. Each is kept as (moved-aside name,
    // output name, whether it was hidden when moved aside).
    let mut aside: Vec<(PathBuf, PathBuf, bool)> = Vec::new();
    let put_back = |aside: &[(PathBuf, PathBuf, bool)]| {
        for (old, path, hidden) in aside.iter().rev() {
            if std::fs::rename(old, path).is_ok() && *hidden {
                show_put_back(path);
            }
        }
    };
    for path in staged.iter().map(|(_, p)| p).chain(stale.iter().copied()) {
        if std::fs::symlink_metadata(path).is_err() {
            continue;
        }
        let old = folder(path).join(format!(".{}.{}.old", file_name(path), std::process::id()));
        if let Err(e) = std::fs::rename(path, &old) {
            put_back(&aside);
            return Err(werr(path, open_elsewhere(e)));
        }
        // Stamped now, so that another run takes it for abandoned only an hour after this
        // run, should it be killed, moved it aside ([`abandoned_files`]).
        let _ = std::fs::File::options()
            .write(true)
            .open(&old)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
        let hidden = hide_aside(&old);
        aside.push((old, path.clone(), hidden));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (tmp, path) in staged {
        if let Err(e) = persist(tmp, &path) {
            for p in &written {
                let _ = std::fs::remove_file(p);
            }
            put_back(&aside);
            return Err(werr(&path, open_elsewhere(e)));
        }
        written.push(path);
    }
    for old in aside.iter().map(|(old, _, _)| old).chain(abandoned) {
        let _ = std::fs::remove_file(old);
    }
    Ok(written)
}

/// An output that could not be moved aside or put in place, said with what to do when the
/// reason is another program holding it open: on Windows a file open in Excel or QGIS cannot
/// be renamed or replaced, and the bare "used by another process" named neither the cause a
/// user can act on nor that the earlier outputs were kept. Elsewhere an open file is no
/// obstacle, and the error is as it was.
fn open_elsewhere(e: std::io::Error) -> std::io::Error {
    // ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION.
    #[cfg(windows)]
    if matches!(e.raw_os_error(), Some(32 | 33)) {
        return std::io::Error::new(
            e.kind(),
            format!("{e}; it is open in another program (Excel or QGIS, say): close it there and run again (the folder is as the earlier run left it)"),
        );
    }
    e
}

/// Temporary files are created private (0600); outputs are ordinary files (0644).
#[cfg(unix)]
fn readable_by_all(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn readable_by_all(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// The English name of month `m` (1 to 12), for dates in messages: ONS's `200112` and
/// `2023-04-01` read as "December 2001" and "1 April 2023".
pub fn month_name(m: usize) -> Option<&'static str> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    MONTHS.get(m.checked_sub(1)?).copied()
}

/// A whole number with thousands separators, as briefings print it.
///
/// # Examples
/// ```
/// assert_eq!(covgap::write::thousands(700691), "700,691");
/// assert_eq!(covgap::write::thousands(974), "974");
/// ```
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A text with its first letter capitalised, for a table header or a sentence that starts
/// with a figure's description ("live births" heads a column as "Live births").
///
/// # Examples
/// ```
/// assert_eq!(covgap::write::cap("population aged 0"), "Population aged 0");
/// ```
pub fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Items in a sentence: `a`, `a and b`, `a, b and c`.
///
/// # Examples
/// ```
/// let files = ["ew.csv".to_string(), "scotland.csv".into(), "ni.csv".into()];
/// assert_eq!(covgap::write::and_list(&files), "ew.csv, scotland.csv and ni.csv");
/// assert_eq!(covgap::write::and_list(&files[..1]), "ew.csv");
/// ```
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first `n` items joined with ", ", and how many more there are ("and 75 more"), so a
/// message listing some of many says how many it leaves out.
///
/// # Examples
/// ```
/// let codes = ["E06000001", "E06000002", "E06000003", "E06000004"];
/// assert_eq!(covgap::write::first_of(codes.iter(), 2), "E06000001, E06000002 and 2 more");
/// assert_eq!(covgap::write::first_of(codes.iter(), 4), "E06000001, E06000002, E06000003, E06000004");
/// ```
pub fn first_of<T: std::fmt::Display>(items: impl ExactSizeIterator<Item = T>, n: usize) -> String {
    first_of_joined(items, n, ", ")
}

/// [`first_of`], the items joined by `sep` (`;`, as a team list's areas are written).
pub fn first_of_joined<T: std::fmt::Display>(
    items: impl ExactSizeIterator<Item = T>,
    n: usize,
    sep: &str,
) -> String {
    let total = items.len();
    let shown: Vec<String> = items.take(n).map(|t| t.to_string()).collect();
    if total > n {
        format!(
            "{} and {} more",
            shown.join(sep),
            thousands((total - n) as u64)
        )
    } else {
        shown.join(sep)
    }
}

/// `one` for a count of 1 and `many` otherwise, so a briefing reads "1 area", "0 areas".
///
/// # Examples
/// ```
/// assert_eq!(covgap::write::plural(1, "area", "areas"), "area");
/// assert_eq!(covgap::write::plural(0, "has", "have"), "have");
/// ```
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// A share in per cent as every output prints it: one decimal, from the whole numbers, a half
/// rounded away from zero (see [`crate::rollup::percent_rounded`]), so a share reads the same
/// in `summary.md`, the CSV tables, `summary.json`, the map and the workbook's `0.0%` cells.
///
/// # Examples
/// ```
/// assert_eq!(covgap::write::percent_text(133_609, 700_691), "19.1");
/// assert_eq!(covgap::write::percent_text(1, 80), "1.3");
/// assert_eq!(covgap::write::percent_text(0, 29_411), "0.0");
/// ```
pub fn percent_text(part: u64, whole: u64) -> String {
    tenths_text(crate::rollup::percent_rounded(part, whole, 1))
}

/// [`percent_text`] as a JSON number: `19.1`.
pub fn percent_number(part: u64, whole: u64) -> f64 {
    crate::rollup::percent_rounded(part, whole, 1) as f64 / 10.0
}

/// A count of tenths written with one decimal: 191 is `19.1`.
pub fn tenths_text(tenths: u64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Rounds to `places` decimals, for stable output.
pub fn round(x: f64, places: i32) -> f64 {
    let m = 10f64.powi(places);
    let r = (x * m).round() / m;
    if r == 0.0 {
        0.0 // no "-0"
    } else {
        r
    }
}

/// Writes CSV as Excel opens it cleanly: UTF-8 with a byte-order mark (so "Ynys Môn" keeps
/// its accent) and CRLF line ends, and no cell that Excel would run as a formula
/// ([`tables::csv_field`]).
pub fn excel_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for r in rows {
        w.write_record(r.iter().map(|c| tables::csv_field(c.as_bytes())))
            .expect("writing to memory");
    }
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(w.into_inner().expect("writing to memory"));
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder holding an earlier run's `a.txt` and `b.txt`.
    fn earlier_run() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "old a").unwrap();
        std::fs::write(dir.path().join("b.txt"), "old b").unwrap();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_that_cannot_be_put_in_place_puts_the_earlier_run_back() {
        let dir = earlier_run();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        let files: [(PathBuf, &[u8]); 2] = [(a.clone(), b"new a"), (b.clone(), b"new b")];
        // a.txt is put in place, then b.txt fails, as an output open in another program can.
        let r = commit_with(&files, &[], &Earlier::default(), |tmp, path| {
            if path.ends_with("b.txt") {
                Err(std::io::Error::other("held open by another program"))
            } else {
                tmp.persist(path).map(drop).map_err(|e| e.error)
            }
        });
        let e = r.unwrap_err().to_string();
        assert!(e.contains("b.txt") && e.contains("held open"), "{e}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old b");
        // No staged or moved-aside file is left behind.
        assert_eq!(listing(dir.path()), ["a.txt", "b.txt"]);
    }

    #[test]
    fn every_file_put_in_place_replaces_the_earlier_run() {
        let dir = earlier_run();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        let files: [(PathBuf, &[u8]); 2] = [(a.clone(), b"new a"), (b.clone(), b"new b")];
        assert_eq!(
            commit_to(&files, &[], &Earlier::default()).unwrap(),
            [a.clone(), b.clone()]
        );
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new b");
        assert_eq!(listing(dir.path()), ["a.txt", "b.txt"]);
    }

    /// An earlier run's file this run does not write goes when the new files are in place,
    /// and comes back with the others when they cannot be.
    #[test]
    fn a_stale_output_goes_with_the_earlier_run_and_comes_back_with_it() {
        let dir = earlier_run();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        let files: [(PathBuf, &[u8]); 1] = [(a.clone(), b"new a")];
        let earlier = Earlier {
            stale: vec![b.clone()],
            ..Earlier::default()
        };
        let fail = commit_with(&files, &[], &earlier, |_, _| {
            Err(std::io::Error::other("held open by another program"))
        });
        assert!(fail.is_err());
        assert_eq!(listing(dir.path()), ["a.txt", "b.txt"]);
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old b");
        commit_to(&files, &[], &earlier).unwrap();
        assert_eq!(listing(dir.path()), ["a.txt"]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
    }

    /// A covgap `run.json` recording `outputs`, each with its size and SHA-256.
    fn record(outputs: &[(&str, &[u8])]) -> String {
        let outputs: Vec<serde_json::Value> = outputs
            .iter()
            .map(|(name, bytes)| {
                let (size, sha) = run::fingerprint_bytes(bytes);
                serde_json::json!({ "file": name, "bytes": size, "sha256": sha })
            })
            .collect();
        serde_json::json!({ "covgap_version": "0.1.0", "outputs": outputs }).to_string()
    }

    /// Only files an earlier run wrote go, as it wrote them: not in a folder without covgap's
    /// run.json, nor beside one that records no outputs (an older covgap's), nor a file the
    /// record does not list or that has changed since, whatever its timestamp.
    #[test]
    fn stale_outputs_are_only_an_earlier_runs() {
        let dir = tempfile::tempdir().unwrap();
        let (plan, record_path) = (dir.path().join("plan.md"), dir.path().join("run.json"));
        let stale = || stale_outputs(dir.path(), RUN_OUTPUTS, &["run.json"]);
        std::fs::write(&plan, "the plan").unwrap();
        assert!(stale().is_empty());
        std::fs::write(&record_path, "{\"tool\": \"something else\"}").unwrap();
        assert!(stale().is_empty());
        // An older covgap's run.json: which files it wrote is not known, so none goes.
        std::fs::write(&record_path, "{\"covgap_version\": \"0.1.0\"}").unwrap();
        assert!(stale().is_empty());
        std::fs::write(&record_path, record(&[("plan.md", b"the plan")])).unwrap();
        assert_eq!(stale(), std::slice::from_ref(&plan));
        // The user's notes under the plan's name, even of the same size and dated long
        // before the run (as `cp -p` or unzip leave them).
        std::fs::write(&plan, "my notes").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&plan)
            .unwrap()
            .set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000))
            .unwrap();
        assert!(stale().is_empty());
        // A file the run did not write, beside a run that wrote other files.
        std::fs::write(&record_path, record(&[("gaps.csv", b"my notes")])).unwrap();
        assert!(stale().is_empty());
        // Diff's files are all written each time: none is stale.
        std::fs::write(dir.path().join("diff.csv"), "a diff").unwrap();
        assert!(stale_outputs(dir.path(), DIFF_OUTPUTS, &["diff.md"]).is_empty());
    }

    /// A file of no output's name that the earlier run recorded writing into the folder (a
    /// plan's `--export-instance inst.json`) goes as the others do, while as written; a name
    /// that is a path, or a hidden one, is never looked for.
    #[test]
    fn a_recorded_file_of_another_name_is_stale_too() {
        let dir = tempfile::tempdir().unwrap();
        let inst = dir.path().join("inst.json");
        let outside = tempfile::tempdir_in(dir.path()).unwrap();
        let sub = outside.path().join("x.json");
        let name = |p: &Path| p.strip_prefix(dir.path()).unwrap().display().to_string();
        for p in [&inst, &sub] {
            std::fs::write(p, "an instance").unwrap();
        }
        std::fs::write(dir.path().join(".hidden"), "an instance").unwrap();
        std::fs::write(
            dir.path().join("run.json"),
            record(&[
                ("inst.json", b"an instance"),
                (&name(&sub), b"an instance"),
                ("../inst.json", b"an instance"),
                (".hidden", b"an instance"),
            ]),
        )
        .unwrap();
        let stale = || stale_outputs(dir.path(), RUN_OUTPUTS, &["run.json"]);
        assert_eq!(stale(), std::slice::from_ref(&inst));
        // Written again by this run: not stale.
        assert!(stale_outputs(dir.path(), RUN_OUTPUTS, &["run.json", "inst.json"]).is_empty());
        // Changed since: the user's now.
        std::fs::write(&inst, "an instance, edited").unwrap();
        assert!(stale().is_empty());
        assert!(plain_file_name("inst.json"));
        for n in [
            "",
            ".",
            "..",
            "../inst.json",
            "a/inst.json",
            "/inst.json",
            ".inst.json",
        ] {
            assert!(!plain_file_name(n), "{n}");
        }
    }

    #[test]
    fn covgap_s_own_leftover_names_are_told_from_others() {
        let of = Leftover::of;
        assert_eq!(
            of(".areas.geojson.4242.aB3xYz.tmp", "areas.geojson"),
            Some(Leftover::Numbered(4242))
        );
        assert_eq!(
            of(".areas.geojson.4242.old", "areas.geojson"),
            Some(Leftover::Numbered(4242))
        );
        assert_eq!(
            of(".areas.geojson.aB3xYz.tmp", "areas.geojson"),
            Some(Leftover::Unnumbered)
        );
        for other in [
            ".notes.tmp",
            ".areas.geojson.tmp",
            ".areas.geojson.old",
            ".areas.geojson.x4242.old",
            ".areas.geojson.4242.aB3.tmp",
            ".areas.geojson.4242.aB3xYz.tmp.bak",
            "areas.geojson.4242.aB3xYz.tmp",
            ".small_areas.geojson.4242.aB3xYz.tmp",
            ".areas.geojson.my.notes.tmp",
        ] {
            assert_eq!(of(other, "areas.geojson"), None, "{other}");
        }
    }

    /// The id of a process that has ended: a child that did nothing, waited for (and on
    /// Windows let go of, so that the system forgets it).
    #[cfg(any(target_os = "linux", windows))]
    fn an_ended_process() -> u32 {
        #[cfg(windows)]
        let mut child = std::process::Command::new("cmd")
            .args(["/c", "exit"])
            .spawn()
            .unwrap();
        #[cfg(not(windows))]
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let ended = child.id();
        child.wait().unwrap();
        ended
    }

    /// A killed run's temporary and moved-aside files are found once it has ended; a running
    /// one's, a recent one named without its process id, and the user's own are not. On
    /// Windows, before, none was ever found: whether a run had ended was asked of `/proc`
    /// alone.
    #[cfg(any(target_os = "linux", windows))]
    #[test]
    fn only_the_files_of_runs_that_have_ended_are_abandoned() {
        let dir = tempfile::tempdir().unwrap();
        let ended = an_ended_process();
        let running = std::process::id();
        let make = |name: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, "x").unwrap();
            p
        };
        let hour_and_more = std::time::SystemTime::now() - std::time::Duration::from_secs(3700);
        let age = |p: &std::path::Path| {
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(hour_and_more)
                .unwrap();
        };
        let gone = [
            make(&format!(".areas.geojson.{ended}.aB3xYz.tmp")),
            make(&format!(".gaps.csv.{ended}.old")),
        ];
        let old_unnumbered = make(".map.png.Qw3rTy.tmp");
        for p in gone.iter().chain([&old_unnumbered]) {
            age(p);
        }
        for kept in [
            format!(".areas.geojson.{running}.aB3xYz.tmp"),
            format!(".gaps.csv.{running}.old"),
            ".notes.tmp".to_string(),
            format!(".notes.txt.{ended}.aB3xYz.tmp"),
        ] {
            age(&make(&kept));
        }
        // Named as before they carried the PID, and changed within the hour.
        make(".summary.md.Qw3rTy.tmp");
        // A run that has ended by the system, but whose files changed within the hour: a run it
        // does not show (another PID namespace or computer) may be writing them.
        make(&format!(".map.png.{ended}.aB3xYz.tmp"));
        make(&format!(".rollups.csv.{ended}.old"));
        std::fs::create_dir(dir.path().join(format!(".run.json.{ended}.old"))).unwrap();
        let mut want = vec![gone[0].clone(), gone[1].clone(), old_unnumbered];
        want.sort();
        assert_eq!(abandoned_files(dir.path(), RUN_OUTPUTS), want);
    }

    /// Whether covgap's own files are hidden from a user looking at the folder: on Unix by a
    /// leading dot, on Windows by the hidden attribute, read from the file itself (Wine, unlike
    /// Windows, also says a name with a leading dot is hidden when asked by its name or in a
    /// folder's listing, unless told `ShowDotFiles`).
    fn hidden(path: &Path) -> bool {
        #[cfg(windows)]
        {
            use std::os::windows::fs::MetadataExt;
            std::fs::symlink_metadata(path).unwrap().file_attributes() & 2 != 0
        }
        #[cfg(not(windows))]
        {
            file_name(path).starts_with('.')
        }
    }

    /// covgap's temporary files, and the earlier outputs it moves aside, are hidden while they
    /// are there; the outputs put in place, and earlier ones put back after a failure, are
    /// not. On Windows, before, neither of covgap's own was hidden, for Windows does not
    /// hide a name for its leading dot.
    #[test]
    fn temporary_and_moved_aside_files_are_hidden_and_outputs_not() {
        let dir = earlier_run();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        let files: [(PathBuf, &[u8]); 2] = [(a.clone(), b"new a"), (b.clone(), b"new b")];
        let aside =
            |p: &Path| folder(p).join(format!(".{}.{}.old", file_name(p), std::process::id()));
        let check_then = |fail: bool| {
            move |tmp: tempfile::NamedTempFile, path: &Path| {
                assert!(hidden(tmp.path()), "{}", tmp.path().display());
                assert!(hidden(&aside(path)), "{}", aside(path).display());
                if fail && path.ends_with("b.txt") {
                    return Err(std::io::Error::other("held open by another program"));
                }
                put_in_place(tmp, path)
            }
        };
        assert!(commit_with(&files, &[], &Earlier::default(), check_then(true)).is_err());
        assert_eq!(listing(dir.path()), ["a.txt", "b.txt"]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        for p in [&a, &b] {
            assert!(!hidden(p), "{} put back hidden", p.display());
        }
        commit_with(&files, &[], &Earlier::default(), check_then(false)).unwrap();
        assert_eq!(listing(dir.path()), ["a.txt", "b.txt"]);
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new b");
        for p in [&a, &b] {
            assert!(!hidden(p), "{} put in place hidden", p.display());
        }
        // And as a new output, with no earlier one to move aside.
        let c = dir.path().join("c.txt");
        commit_to(&[(c.clone(), b"c".as_slice())], &[], &Earlier::default()).unwrap();
        assert!(!hidden(&c));
    }

    /// Abandoned files go once the new files are in place, and stay when they cannot be.
    #[test]
    fn abandoned_files_go_only_with_a_run_that_succeeds() {
        let dir = earlier_run();
        let a = dir.path().join("a.txt");
        let left = dir.path().join(".b.txt.4242.old");
        std::fs::write(&left, "old b").unwrap();
        let files: [(PathBuf, &[u8]); 1] = [(a.clone(), b"new a")];
        let earlier = Earlier {
            abandoned: vec![left.clone()],
            ..Earlier::default()
        };
        let fail = commit_with(&files, &[], &earlier, |_, _| {
            Err(std::io::Error::other("held open by another program"))
        });
        assert!(fail.is_err());
        assert!(left.exists());
        commit_to(&files, &[], &earlier).unwrap();
        assert_eq!(listing(dir.path()), ["a.txt", "b.txt"]);
    }

    /// A file open in another program as Excel opens a workbook (others may read it, not
    /// rename or delete it) cannot be moved aside on Windows: the run fails naming it and
    /// saying what to do, the earlier run is left whole, and once the file is closed the run
    /// goes through. Before, the message was Windows' own alone ("The process cannot access
    /// the file because it is being used by another process. (os error 32)").
    #[cfg(windows)]
    #[test]
    fn an_output_open_in_another_program_is_named_and_the_earlier_run_kept() {
        use std::os::windows::fs::OpenOptionsExt;
        let dir = earlier_run();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        // FILE_SHARE_READ alone.
        let held = std::fs::File::options()
            .read(true)
            .share_mode(1)
            .open(&b)
            .unwrap();
        let files: [(PathBuf, &[u8]); 2] = [(a.clone(), b"new a"), (b.clone(), b"new b")];
        let e = commit_to(&files, &[], &Earlier::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("{}: cannot write output: ", b.display()))
                && e.contains("(os error 32); it is open in another program (Excel or QGIS, say): close it there and run again"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old b");
        assert_eq!(listing(dir.path()), ["a.txt", "b.txt"]);
        drop(held);
        commit_to(&files, &[], &Earlier::default()).unwrap();
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new b");
        assert_eq!(listing(dir.path()), ["a.txt", "b.txt"]);
    }

    /// Two output paths are one file when they name one folder (`out/./`) and, on Windows,
    /// whose file systems do not tell names apart by case, when their names differ in case
    /// alone: there `plan --export-instance out/PLAN.md` silently replaced `plan.md`.
    #[test]
    fn output_names_differing_in_case_alone_are_one_file_on_windows() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let key = |p: &str| output_file_key(&out.join(p));
        assert_eq!(key("./plan.md"), key("plan.md"));
        assert_ne!(key("plan.csv"), key("plan.md"));
        assert_eq!(key("PLAN.md") == key("plan.md"), cfg!(windows));
    }

    /// On Windows a folder is held through a lock file in the temporary folder, never one in
    /// the output folder: while one hold has it, a second waits, told the folder's path as
    /// written (not `\\?\C:\...`), and gets it once the first is dropped.
    #[cfg(windows)]
    #[test]
    fn a_held_folder_is_waited_for_through_a_lock_file_outside_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = FolderHold::take(&[dir.path()], |_| panic!("nothing holds it yet"));
        assert_eq!(first._locked.len(), 1);
        let lock = folder_lock_file(&dir.path().canonicalize().unwrap());
        assert!(lock.starts_with(std::env::temp_dir()) && lock.is_file());
        assert_eq!(first.lock_files, std::slice::from_ref(&lock));
        // A clean-up of the temporary folder cannot take the lock away while it is held.
        assert!(std::fs::remove_file(&lock).is_err());
        let (tx, rx) = std::sync::mpsc::channel();
        let path = dir.path().to_path_buf();
        let second = std::thread::spawn(move || {
            let hold = FolderHold::take(&[&path], |d| tx.send(d.to_path_buf()).unwrap());
            hold._locked.len()
        });
        let told = rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap();
        let expected = dir.path().canonicalize().unwrap();
        assert_eq!(told, shown_path(&expected));
        assert!(!told.to_string_lossy().starts_with(r"\\?\"), "{told:?}");
        assert!(!second.is_finished());
        drop(first);
        assert_eq!(second.join().unwrap(), 1);
        assert!(listing(dir.path()).is_empty());
        // Removed once the last hold is let go.
        assert!(!lock.exists());
    }

    #[cfg(windows)]
    #[test]
    fn resolved_windows_paths_are_shown_as_written() {
        for (resolved, shown) in [
            (r"\\?\C:\Users\me\out", r"C:\Users\me\out"),
            (r"\\?\UNC\server\share\out", r"\\server\share\out"),
            (r"C:\out", r"C:\out"),
            (r"\\?\Volume{0}\out", r"\\?\Volume{0}\out"),
        ] {
            assert_eq!(
                shown_path(Path::new(resolved)),
                Path::new(shown),
                "{resolved}"
            );
        }
    }

    /// An output that is an input, by its own name or through a link, is refused before
    /// anything is written; an input bearing a stale output's name is left alone.
    #[test]
    fn an_input_is_never_written_over_or_removed() {
        let dir = earlier_run();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        let link = dir.path().join("link.txt");
        std::fs::hard_link(&a, &link).unwrap();
        let files: [(PathBuf, &[u8]); 1] = [(link.clone(), b"new")];
        let e = commit_to(&files, std::slice::from_ref(&a), &Earlier::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("under another name"), "{e}");
        let files: [(PathBuf, &[u8]); 1] = [(a.clone(), b"new")];
        let e = commit_to(&files, std::slice::from_ref(&a), &Earlier::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("it is one of the inputs"), "{e}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        let files: [(PathBuf, &[u8]); 1] = [(dir.path().join("c.txt"), b"c")];
        let earlier = Earlier {
            stale: vec![b.clone()],
            abandoned: vec![b.clone()],
            ..Earlier::default()
        };
        commit_to(&files, std::slice::from_ref(&b), &earlier).unwrap();
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old b");
    }
}
