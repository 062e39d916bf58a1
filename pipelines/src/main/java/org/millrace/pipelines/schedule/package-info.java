/**
 * The built-in scheduler: cron expressions in a time zone, fires claimed in the metadata store
 * before their run (so a crashed scheduler's fire is retaken once), catch-up of missed fires.
 */
package org.millrace.pipelines.schedule;
