// The PIV certificate container (SP 800-73-4 Part 1 Appendix A, the X.509
// Certificate for PIV Authentication and its siblings): the value inside tag
// 53 that GET DATA returns and PUT DATA takes. The one codec the token, the
// module and the tools share. Stateless; thread-safe.
//
//   70 <DER certificate>  71 01 <CertInfo: 00 = not compressed>  FE 00 (LRC)
#pragma once

#include "common/bytes.hpp"
#include "common/status.hpp"

namespace tessera::piv {

// The container value for `der`, uncompressed.
Bytes EncodeCertContainer(ByteView der);
// The certificate in a container value: empty when the container holds none
// (an empty 70, or a container written empty to delete the certificate);
// kFunctionNotSupported for a compressed certificate (CertInfo bit 0);
// kInvalidArgument for a value that is not a TLV list.
Result<Bytes> DecodeCertContainer(ByteView value);

}  // namespace tessera::piv
