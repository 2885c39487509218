// Spoken calls: WAV files made by espeak-ng (Debian's package) on the server, never by an online service, once per
// text, kept in a directory of the state and served to the boards; and the chime a board plays before a call.
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import VuoroChild

/// The audio of calls, by the name of its text. Thread-safe: asked from the engine's loop and the I/O loops.
final class SpeechCache: Sendable {
    let directory: String
    /// espeak-ng's path; nil when it is not installed (calls are then not spoken, and the log says so once).
    let espeak: String?
    /// Files kept; past this many the least recently used are deleted (about 100 kB each).
    let keep: Int
    private let pool: NIOThreadPool

    /// espeak-ng's voice for each language the centre may have.
    static let voices = ["fi": "fi", "sv": "sv", "en": "en-gb", "ru": "ru", "uk": "uk"]

    private struct State {
        /// Texts by name, for generating on demand what a board asks for.
        var texts: [String: (voice: String, text: String)] = [:]
        /// Generations under way, and who waits for each.
        var waiting: [String: [EventLoopPromise<Bool>]] = [:]
    }
    private let state = NIOLockedValueBox(State())

    init(directory: String, espeak: String? = findProgram("espeak-ng"), keep: Int = 1000) {
        self.directory = directory
        self.espeak = espeak
        self.keep = keep
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        mkdir(directory, 0o700)
    }

    deinit { try? pool.syncShutdownGracefully() }

    /// The file name (without `.wav`) for `text` in `lang`, registered so that it can be made; nil when the
    /// language has no voice or espeak-ng is missing.
    func name(for text: String, lang: String) -> String? {
        guard espeak != nil, let voice = SpeechCache.voices[lang] else { return nil }
        // FNV-1a over voice and text: a stable name for the same words, whatever the process.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in (voice + "\n" + text).utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16)
        let name = String(repeating: "0", count: 16 - hex.count) + hex
        state.withLockedValue { s in
            if s.texts.count > 4 * keep { s.texts.removeAll() }
            s.texts[name] = (voice, text)
        }
        return name
    }

    /// Makes the file for `name` now, in the background, unless it is there or being made.
    func prepare(_ name: String) {
        _ = ensure(name, on: nil)
    }

    /// The WAV for `name`: made first when it is not there yet; nil for a name no text has.
    func wav(_ name: String, on loop: EventLoop) -> EventLoopFuture<[UInt8]?> {
        let path = file(name)
        return ensure(name, on: loop).map { made in
            guard made, let data = FileManager.default.contents(atPath: path) else { return nil }
            utime(path, nil)  // used: the last to be deleted
            return [UInt8](data)
        }
    }

    func file(_ name: String) -> String { "\(directory)/\(name).wav" }

    /// True once the file is there (made now, or before); false when it cannot be.
    private func ensure(_ name: String, on loop: EventLoop?) -> EventLoopFuture<Bool> {
        let loop = loop ?? MultiThreadedEventLoopGroup.singleton.next()
        if FileManager.default.fileExists(atPath: file(name)) { return loop.makeSucceededFuture(true) }
        let promise = loop.makePromise(of: Bool.self)
        let start: (voice: String, text: String)? = state.withLockedValue { s in
            guard let t = s.texts[name] else { return nil }
            if s.waiting[name] != nil {
                s.waiting[name]!.append(promise)
                return nil
            }
            s.waiting[name] = [promise]
            return t
        }
        guard let job = start else {
            // Being made (the promise waits), or a name no text has.
            let known = state.withLockedValue { $0.waiting[name] != nil }
            if !known { promise.succeed(false) }
            return promise.futureResult
        }
        pool.submit { [self] _ in
            let made = self.make(name, voice: job.voice, text: job.text)
            let waiters = self.state.withLockedValue { $0.waiting.removeValue(forKey: name) ?? [] }
            for w in waiters { w.succeed(made) }
        }
        return promise.futureResult
    }

    /// Runs espeak-ng into a file beside the final name, then moves it there; drops the oldest beyond `keep`.
    private func make(_ name: String, voice: String, text: String) -> Bool {
        guard let espeak else { return false }
        let partial = file(name) + ".partial"
        guard let r = try? runChild(espeak, ["-v", voice, "-s", "150", "-w", partial, text], timeout: 20),
            r.status == 0, rename(partial, file(name)) == 0
        else {
            unlink(partial)
            return false
        }
        prune()
        return true
    }

    private func prune() {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory), names.count > keep else { return }
        let dated = names.filter { $0.hasSuffix(".wav") }.map { n -> (String, Date) in
            let p = "\(directory)/\(n)"
            return (p, (try? fm.attributesOfItem(atPath: p)[.modificationDate] as? Date) ?? .distantPast)
        }
        for (p, _) in dated.sorted(by: { $0.1 < $1.1 }).prefix(dated.count - keep) { unlink(p) }
    }

    /// A two-note chime ("ding-dong"), 0.6 s of 16-bit mono PCM at 22,050 Hz, made once.
    static let chime: [UInt8] = {
        let rate = 22_050
        var samples: [Int16] = []
        for (freq, seconds) in [(880.0, 0.28), (659.25, 0.32)] {
            let n = Int(Double(rate) * seconds)
            for i in 0..<n {
                let t = Double(i) / Double(rate)
                // A soft attack and a long decay, as a bell.
                let envelope = min(1, Double(i) / 200) * exp(-3.5 * t)
                samples.append(Int16(0.45 * 32767 * envelope * sin(2 * Double.pi * freq * t)))
            }
        }
        return wav(samples, rate: rate)
    }()

    /// 16-bit mono PCM samples as a WAV file.
    static func wav(_ samples: [Int16], rate: Int) -> [UInt8] {
        var out: [UInt8] = []
        func u32(_ v: Int) { out += withUnsafeBytes(of: UInt32(v).littleEndian, Array.init) }
        func u16(_ v: Int) { out += withUnsafeBytes(of: UInt16(v).littleEndian, Array.init) }
        let data = samples.count * 2
        out += Array("RIFF".utf8)
        u32(36 + data)
        out += Array("WAVEfmt ".utf8)
        u32(16)
        u16(1)
        u16(1)
        u32(rate)
        u32(rate * 2)
        u16(2)
        u16(16)
        out += Array("data".utf8)
        u32(data)
        for s in samples { out += withUnsafeBytes(of: s.littleEndian, Array.init) }
        return out
    }
}
