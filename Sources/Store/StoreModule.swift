/// The gateway's state store.
public enum StoreModule {}
