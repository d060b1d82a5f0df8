/// Where a payload counts as large: from 32 KiB on, the runtime moves bytes by reference
/// instead of copying them — a received message is read in place
/// (`ZMQSocket.inPlaceThreshold`), a `bin` read from it shares its memory
/// (`MessagePackReader.readBytes`), a `Data` is written by reference
/// (`MessagePackWriter.write(_: Data)`) and a frame goes to ZeroMQ without a copy
/// (`ZMQSocket.zeroCopyThreshold`). Below it a copy costs less than the objects and the
/// release from another thread that sharing needs (docs/ARCHITECTURE.md, "Large
/// messages").
@usableFromInline
enum LargePayload {
    @usableFromInline static let threshold = 32 * 1024
}
