package dev.wxacode.reply;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wxacode.request.Violation;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplyError(String code, String message, Integer errcode, boolean retryable, List<Violation> violations) {
}
