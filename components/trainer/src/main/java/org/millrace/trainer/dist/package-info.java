/**
 * The transport of data-parallel training: {@link org.millrace.trainer.dist.RingAllReduce}, a ring
 * all-reduce over TCP between ranks with an HMAC challenge. It knows nothing of networks or
 * components; how ranks are launched (in-process, Spark barrier tasks) is the component's
 * business ({@code org.millrace.trainer.component.DistributedLauncher}).
 */
package org.millrace.trainer.dist;
