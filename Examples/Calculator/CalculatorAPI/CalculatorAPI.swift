// The generated Calculator types come from calculator.rpc (a link to
// Schemas/calculator.rpc) through the ZeroRPCGenerator plugin. Re-exporting the
// runtime lets the server and client import this one module.
@_exported import ZeroRPC
