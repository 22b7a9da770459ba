/**
 * The compile-time recorder of binding Javadoc for Code Mode declarations;
 * dependency-free.
 */
package dev.workerloader.codemode.processor;
