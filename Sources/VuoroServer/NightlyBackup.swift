// The nightly backup: at each day change, a consistent copy of the database in the state directory's backups/,
// for IT to copy off the machine. Copying vuoro.db itself while vuorod runs misses what the WAL holds.
import Foundation
import VuoroStore

enum NightlyBackup {
    /// `backups/` beside the database.
    static func directory(of store: Store) -> String {
        (store.path as NSString).deletingLastPathComponent + "/backups"
    }

    /// Writes `backups/vuoro-DAY.db` (DAY: the service day that ended) and deletes the oldest beyond `keep`.
    /// Returns the path written and the files deleted.
    static func run(store: Store, in dir: String, day: String, keep: Int) throws -> (path: String, removed: [String]) {
        if mkdir(dir, 0o700) != 0 && errno != EEXIST {
            throw DirectoryError(description: "cannot make \(dir): \(String(cString: strerror(errno)))")
        }
        let path = "\(dir)/vuoro-\(day).db"
        try store.backup(to: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let backups = names.filter(isBackupName).sorted()
        var removed: [String] = []
        for name in backups.dropLast(keep) where unlink("\(dir)/\(name)") == 0 { removed.append("\(dir)/\(name)") }
        return (path, removed)
    }

    struct DirectoryError: Error, CustomStringConvertible {
        let description: String
    }

    /// "vuoro-2026-11-23.db": only files named so are ever deleted.
    static func isBackupName(_ name: String) -> Bool {
        guard name.hasPrefix("vuoro-"), name.hasSuffix(".db") else { return false }
        let day = name.dropFirst(6).dropLast(3)
        return day.count == 10
            && day.enumerated().allSatisfy { i, ch in [4, 7].contains(i) ? ch == "-" : ch.isASCII && ch.isNumber }
    }
}
