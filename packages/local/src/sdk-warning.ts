// Imported first by the entry points: the SDK warns once per process that Node 20 support ends
// (Lambda runs Node 22), which would bury the runtime's own output. Only this exact value silences it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
