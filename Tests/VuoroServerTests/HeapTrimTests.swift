// When vuorod gives freed memory back: at the first quiet second after work, once; never in a busy second, and
// not again while it stays quiet.
import Testing
import VuoroServer

@Suite struct HeapTrimTests {
    @Test func trimsAtTheFirstQuietSecondAfterWork() {
        var heap = HeapTrim()
        heap.tick()
        #expect(heap.trims == 0, "nothing to give back before any work")
        heap.batch()
        heap.batch()
        heap.tick()
        #expect(heap.trims == 0, "a second with batches is busy")
        heap.tick()
        #expect(heap.trims == 1, "the first quiet second after work")
        heap.tick()
        heap.tick()
        #expect(heap.trims == 1, "quiet seconds after a trim trim nothing")
        heap.batch()
        heap.tick()
        heap.batch()
        heap.tick()
        #expect(heap.trims == 1)
        heap.tick()
        #expect(heap.trims == 2)
    }
}
