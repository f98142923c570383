package dev.wxacode.apps;

import dev.wxacode.apps.CallPacer;
import dev.wxacode.store.ObjectKeys;
import dev.wxacode.token.AccessTokenCache;

/**
 * One mini program this service makes codes for, under the name requests use. Each has what WeChat
 * keeps per app: its own access token, its own 5000/min quota, and its codes under its own keys.
 */
public record MiniProgram(String name, String appId, AccessTokenCache tokens, CallPacer pacer, ObjectKeys keys) {
}
