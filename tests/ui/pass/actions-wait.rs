// Waiting for asynchronous actions as specs/README.md shows it: the finished action, a typed
// failure or a timeout, with the wait's own timeout and poll interval.
use std::time::Duration;

use keyway::seam::{ActionAttempt, DeviceId, SeamClient};

async fn unlock(client: &SeamClient) -> Result<(), keyway::Error> {
    let device_id = DeviceId::new("lock-1");
    let done = client.locks().unlock_door(device_id.clone()).wait().with_call(|call| call.call_timeout(Duration::from_secs(5)).no_retries()).await?;
    if let ActionAttempt::Success(attempt) = &done {
        println!("{} finished: {}", attempt.action_attempt_id, attempt.result);
    }
    let started = client.locks().lock_door(device_id).await?;
    let id = started.action_attempt_id().cloned().expect("a known variant");
    match client.action_attempts().get(id).wait().timeout(Duration::from_secs(30)).poll_interval(Duration::from_millis(500)).await {
        Ok(_) => {}
        Err(error) if error.action_failure().is_some() => {
            let failure = error.action_failure().unwrap();
            eprintln!("{:?}: {:?}", failure.error_type, failure.message);
        }
        Err(keyway::Error::ActionTimeout { action_id, last_status, .. }) => eprintln!("{action_id} still {last_status}"),
        Err(other) => return Err(other),
    }
    Ok(())
}

// README.md's example, as it reads there.
async fn create_wait_get(client: SeamClient) -> Result<(), keyway::Error> {
    let created = client
        .access_codes()
        .create(DeviceId::new("f5197f50-…"))
        .code("1234")
        .name("Front door")
        .wait()
        .timeout(Duration::from_secs(30))
        .await?; // created.action_attempt is finished
    let code = client.access_codes().get(created.access_code.access_code_id).await?;
    client.locks().unlock_door(DeviceId::new("f5197f50-…")).wait().await?;
    let _ = code;
    Ok(())
}

fn main() {
    let _ = unlock;
    let _ = create_wait_get;
}
