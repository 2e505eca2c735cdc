/** Cookie persistence: reading, verifying, writing and stripping the sticky cookie. */
package dev.tether.routing.sticky;
