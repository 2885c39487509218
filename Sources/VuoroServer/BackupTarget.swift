// Where `BACKUP` may write: a new file in the backup directory, nothing else. An admin's request can then neither
// replace a file the daemon can write (it may run as root) nor land outside the directory through `..` or a link.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `BACKUP` path refused, with the reason for the admin.
struct BackupPathError: Error, CustomStringConvertible {
    let description: String
}

enum BackupTarget {
    /// The file a `BACKUP <requested>` writes: `requested` is a file name, taken in `directory`, or an absolute path
    /// whose directory is `directory` itself. The name is 1 to 128 of `A-Z a-z 0-9 . - _`, not starting with a dot;
    /// the file must not exist yet. Creates `directory` (mode 0700) when it is missing.
    static func resolve(_ requested: String, in directory: String) throws -> String {
        let parts = requested.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains("..") || parts.contains(".") {
            throw BackupPathError(description: "\(requested): a backup path may not hold '.' or '..'")
        }
        guard let name = parts.last.map(String.init), isFileName(name) else {
            throw BackupPathError(
                description: "\(requested): name the file with 1 to 128 of A-Z a-z 0-9 . - _, not starting with '.'")
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw BackupPathError(description: "cannot make \(directory): \(String(cString: strerror(errno)))")
        }
        guard let resolved = realpath(directory, nil) else {
            throw BackupPathError(description: "cannot resolve \(directory): \(String(cString: strerror(errno)))")
        }
        let home = String(cString: resolved)
        free(resolved)
        if parts.count > 1 || requested.hasPrefix("/") {
            guard requested.hasPrefix("/") else {
                throw BackupPathError(description: "\(requested): give a file name, or an absolute path in \(directory)")
            }
            // The directory as written must be the backup directory (as configured, or resolved): a link on the
            // way, or another directory, is refused.
            let parent = "/" + parts.dropLast().joined(separator: "/")
            let spelled = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
            guard parent == spelled || parent == home else {
                throw BackupPathError(description: "\(requested): backups are written only in \(directory)")
            }
        }
        let path = home + "/" + name
        var st = stat()
        if lstat(path, &st) == 0 {
            throw BackupPathError(description: "\(path) exists: a backup never replaces a file; choose a new name")
        }
        return path
    }

    static func isFileName(_ name: String) -> Bool {
        (1...128).contains(name.utf8.count) && !name.hasPrefix(".")
            && name.utf8.allSatisfy { b in
                (b | 0x20 >= 97 && b | 0x20 <= 122) || (b >= 48 && b <= 57) || b == 45 || b == 95 || b == 46
            }
    }
}
