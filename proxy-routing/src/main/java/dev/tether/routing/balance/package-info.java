/**
 * Balancing algorithms, one class per algorithm behind {@link dev.tether.routing.balance.LoadBalancer}, and the
 * consistent-hash ring used by hash routes.
 */
package dev.tether.routing.balance;
