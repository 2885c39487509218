// Time as the domain sees it: milliseconds since the Unix epoch, read from an injected clock.

/// Milliseconds since 1970-01-01T00:00:00Z.
public typealias Millis = Int64

/// Where the domain reads the time. The daemon passes `SystemClock`; tests pass a clock they move by hand.
public protocol Clock: AnyObject {
    func now() -> Millis
}

/// A clock that only moves when told to: for tests and simulations.
public final class ManualClock: Clock {
    public var time: Millis
    public init(_ time: Millis) { self.time = time }
    public func now() -> Millis { time }
    public func advance(seconds: Double) { time += Millis(seconds * 1000) }
}
