// A swift-log handler that writes to the systemd journal with priorities and structured fields.
import CSystemd
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Logs to the journal through `sd_journal_sendv`: `MESSAGE=`, `PRIORITY=`, `SYSLOG_IDENTIFIER=`, and each
/// metadata entry as an upper-case field (`ticket` becomes `TICKET=`).
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let identifier: String

    public init(identifier: String, level: Logger.Level) {
        self.identifier = identifier
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        var fields = [
            "MESSAGE=\(message)", "PRIORITY=\(JournalLogHandler.priority(level))", "SYSLOG_IDENTIFIER=\(identifier)",
        ]
        for (k, v) in metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) {
            let key = String(k.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            fields.append("\(key)=\(v)")
        }
        let buffers = fields.map { strdup($0)! }
        defer { buffers.forEach { free($0) } }
        let iov = buffers.map { iovec(iov_base: UnsafeMutableRawPointer($0), iov_len: strlen($0)) }
        _ = sd_journal_sendv(iov, Int32(iov.count))
    }
}
