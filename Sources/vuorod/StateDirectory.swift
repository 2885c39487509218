// The state directory: made and checked (owner, modes), locked for one vuorod, and the sockets checked free
// before anything in it is created.
import Foundation
import VuoroProtocol

/// Creates the state directory and its parents (0700), or checks the one there: it must belong to this user and be
/// writable by nobody else, as sshd asks of its keys' directories. Someone else's directory, or one others may
/// write, could have its database replaced or read; vuorod refuses it and says how to fix it.
func makeStateDirectory(_ dir: String) throws {
    var path = dir.hasPrefix("/") ? "" : "."
    for part in dir.split(separator: "/") {
        path += "/" + part
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw StateDirectoryError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }
    var st = stat()
    guard stat(dir, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
        throw StateDirectoryError(description: "\(dir) is not a directory")
    }
    guard st.st_uid == geteuid() else {
        throw StateDirectoryError(
            description:
                "\(dir) belongs to user \(st.st_uid), not to this one (\(geteuid())): refusing a state directory someone else controls; chown it or choose another with --state-dir"
        )
    }
    guard st.st_mode & 0o022 == 0 else {
        throw StateDirectoryError(
            description:
                "\(dir) may be written by other users (mode \(String(st.st_mode & 0o777, radix: 8))): refusing it; chmod 700 \(dir)"
        )
    }
    if st.st_mode & 0o077 != 0 { chmod(dir, 0o700) }
}

/// The state's files as an earlier vuoro left them (0644 under umask 022) become readable by their owner alone.
func restrictStateFiles(_ dir: String) {
    let names = ["vuoro.db", "vuoro.db-wal", "vuoro.db-shm", "vuoro.lock", "vapid.key"]
    let backups = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/backups")) ?? []
    for path in names.map({ dir + "/" + $0 }) + backups.map({ dir + "/backups/" + $0 }) {
        var st = stat()
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o077 != 0 { chmod(path, 0o600) }
    }
    var st = stat()
    if stat(dir + "/backups", &st) == 0, st.st_mode & 0o077 != 0 { chmod(dir + "/backups", 0o700) }
}

/// Takes the state directory for this process alone, with `flock` on `vuoro.lock` (which holds the owner's pid):
/// a second vuorod on the same directory (one started by hand beside the service, say) would hand out the same
/// ticket ids and numbers and overwrite the first one's tickets. Returns the descriptor, which must stay open.
func lockStateDirectory(_ dir: String) throws -> Int32 {
    let path = dir + "/vuoro.lock"
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard fd >= 0 else {
        throw StateDirectoryError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
        let reason = errno
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        close(fd)
        guard reason == EWOULDBLOCK else {
            throw StateDirectoryError(description: "cannot lock \(path): \(String(cString: strerror(reason)))")
        }
        let owner =
            n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
        throw StateDirectoryError(description: "another vuorod (pid \(owner)) is using this state directory")
    }
    let pid = Array("\(getpid())\n".utf8)
    _ = ftruncate(fd, 0)
    _ = pwrite(fd, pid, pid.count, 0)
    return fd
}

struct StateDirectoryError: Error, CustomStringConvertible {
    let description: String
}

/// The first of `addresses` that another process already listens on, checked before the state is opened, so that
/// a daemon that cannot listen leaves nothing behind: "127.0.0.1:7410 is already in use (another vuorod?)".
func addressInUse(_ addresses: [ListenAddress]) -> ListenAddress? {
    for a in addresses {
        guard case .tcp(let host, let port) = a, port != 0 else { continue }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let ai = res else { continue }
        defer { freeaddrinfo(res) }
        let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
        guard fd >= 0 else { continue }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if bind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) != 0 && errno == EADDRINUSE { return a }
    }
    return nil
}
