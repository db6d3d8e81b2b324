// The soft-token page's HTML pieces (st_page.cpp). Internal.
#pragma once

#include <string>
#include <string_view>

#include "services/http/router.hpp"
#include "services/softtoken/softtoken_service.hpp"

namespace tessera::softtoken::page {

// A whole document: the title, the card line, the body (already HTML).
http::Response Document(int status, std::string_view title, std::string_view card,
                        const std::string& body);
std::string OtpForm(std::string_view message);
std::string MatchBody(const MatchAnswer& match);
std::string IssuedBody(const ApproveAnswer& issued, std::string_view deliver);
std::string ErrorBody(std::string_view message);
const std::string& StyleSheet();

}  // namespace tessera::softtoken::page
