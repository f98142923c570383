package dev.wxacode.token;

/** Where fresh access tokens come from; the cache in front of it decides when to ask. */
@FunctionalInterface
public interface TokenSource {

    AccessToken fetch();
}
