/** Compiled request matching: path/host/header conditions, UUID extraction and UUID-prefix shard maps. */
package dev.tether.routing.match;
